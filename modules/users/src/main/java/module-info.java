/**
 * Accounts, devices, access tokens, profiles, account data and push rules.
 */
module io.myelin.users {
    requires io.myelin.api;
    requires org.bouncycastle.lts.prov;

    provides io.myelin.api.Component with io.myelin.users.UsersComponent;
}
