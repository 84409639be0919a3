package io.myelin.sync;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;

/**
 * /sync, /messages, /context, typing, receipts and to-device messages.
 *
 * <p>Its features arrive with their issues; until then it starts and stops and serves nothing.
 */
public final class SyncComponent implements Component {

    private static final System.Logger LOG = System.getLogger(SyncComponent.class.getName());

    @Override
    public String name() {
        return "sync";
    }

    @Override
    public void start(ComponentContext context) {
        LOG.log(System.Logger.Level.INFO, "sync: started, no endpoints yet");
    }
}
