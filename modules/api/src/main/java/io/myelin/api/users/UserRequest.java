package io.myelin.api.users;

/**
 * A request about one user.
 *
 * @param userId the user
 */
public record UserRequest(String userId) {
}
