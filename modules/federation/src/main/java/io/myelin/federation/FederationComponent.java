package io.myelin.federation;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;

/**
 * The server-server API, signing keys, notary and outbound queues.
 *
 * <p>Its features arrive with their issues; until then it starts and stops and serves nothing.
 */
public final class FederationComponent implements Component {

    private static final System.Logger LOG = System.getLogger(FederationComponent.class.getName());

    @Override
    public String name() {
        return "federation";
    }

    @Override
    public void start(ComponentContext context) {
        LOG.log(System.Logger.Level.INFO, "federation: started, no endpoints yet");
    }
}
