package io.myelin.client;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;

/**
 * Client-server endpoints for rooms, the directory and aliases.
 *
 * <p>Its features arrive with their issues; until then it starts and stops and serves nothing.
 */
public final class ClientComponent implements Component {

    private static final System.Logger LOG = System.getLogger(ClientComponent.class.getName());

    @Override
    public String name() {
        return "client";
    }

    @Override
    public void start(ComponentContext context) {
        LOG.log(System.Logger.Level.INFO, "client: started, no endpoints yet");
    }
}
