package io.myelin.users;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;

/**
 * Accounts, devices, access tokens, profiles, account data and push rules.
 *
 * <p>Its features arrive with their issues; until then it starts and stops and serves nothing.
 */
public final class UsersComponent implements Component {

    private static final System.Logger LOG = System.getLogger(UsersComponent.class.getName());

    @Override
    public String name() {
        return "users";
    }

    @Override
    public void start(ComponentContext context) {
        LOG.log(System.Logger.Level.INFO, "users: started, no endpoints yet");
    }
}
