package io.myelin.keys;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;

/**
 * End-to-end encryption key services and device-list tracking.
 *
 * <p>Its features arrive with their issues; until then it starts and stops and serves nothing.
 */
public final class KeysComponent implements Component {

    private static final System.Logger LOG = System.getLogger(KeysComponent.class.getName());

    @Override
    public String name() {
        return "keys";
    }

    @Override
    public void start(ComponentContext context) {
        LOG.log(System.Logger.Level.INFO, "keys: started, no endpoints yet");
    }
}
