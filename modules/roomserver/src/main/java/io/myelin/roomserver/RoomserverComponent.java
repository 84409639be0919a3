package io.myelin.roomserver;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;

/**
 * The authority on every room's event graph and state.
 *
 * <p>Its features arrive with their issues; until then it starts and stops and serves nothing.
 */
public final class RoomserverComponent implements Component {

    private static final System.Logger LOG = System.getLogger(RoomserverComponent.class.getName());

    @Override
    public String name() {
        return "roomserver";
    }

    @Override
    public void start(ComponentContext context) {
        LOG.log(System.Logger.Level.INFO, "roomserver: started, no endpoints yet");
    }
}
