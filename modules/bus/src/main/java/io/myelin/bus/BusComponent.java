package io.myelin.bus;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;

/**
 * Message streams: an embedded durable log or NATS JetStream.
 *
 * <p>Its features arrive with their issues; until then it starts and stops and serves nothing.
 */
public final class BusComponent implements Component {

    private static final System.Logger LOG = System.getLogger(BusComponent.class.getName());

    @Override
    public String name() {
        return "bus";
    }

    @Override
    public void start(ComponentContext context) {
        LOG.log(System.Logger.Level.INFO, "bus: started, no endpoints yet");
    }
}
