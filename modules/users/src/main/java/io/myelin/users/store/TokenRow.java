package io.myelin.users.store;

/**
 * What {@code users_access_tokens} knows about one token, joined with its account.
 *
 * @param userId    the owner
 * @param deviceId  the device
 * @param guest     whether the owner is a guest
 * @param expiresTs when the token expires, in milliseconds since the epoch, or 0 when it does not
 */
public record TokenRow(String userId, String deviceId, boolean guest, long expiresTs) {
}
