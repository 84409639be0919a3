package io.myelin.users.store;

/**
 * A row of {@code users_accounts}.
 *
 * @param userId       the full user id
 * @param passwordHash the Argon2id PHC string, or null when the account cannot log in with a password
 * @param admin        whether the account is a server administrator
 * @param guest        whether it is a guest account
 * @param deactivated  whether it was deactivated
 */
public record Account(String userId, String passwordHash, boolean admin, boolean guest, boolean deactivated) {

    @Override
    public String toString() {
        // Keeps the password hash out of any log line that prints an account.
        return "Account[userId=" + userId + ", admin=" + admin + ", guest=" + guest + ", deactivated="
                + deactivated + "]";
    }
}
