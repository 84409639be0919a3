package io.myelin.server;

import java.util.List;

import io.helidon.config.Config;
import io.myelin.api.Component;

/**
 * Lets tests in other packages start the real server with an added test component, for example one that hands
 * them a service no endpoint exposes yet.
 */
public final class ExtraComponents {

    private ExtraComponents() {
    }

    /**
     * Starts the server with the components {@link java.util.ServiceLoader} finds and the given ones.
     *
     * @param root  the root configuration
     * @param extra the added components
     * @return the running server
     * @throws Exception when it does not start
     */
    public static MyelinServer start(Config root, List<Component> extra) throws Exception {
        return MyelinServer.start(root, false, extra);
    }
}
