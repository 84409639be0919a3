package io.myelin.api.users;

/**
 * Who made an authenticated client request.
 *
 * @param userId   the full user id, for example {@code @alice:example.org}
 * @param deviceId the device the access token belongs to
 * @param guest    whether the account is a guest account
 */
public record Requester(String userId, String deviceId, boolean guest) {
}
