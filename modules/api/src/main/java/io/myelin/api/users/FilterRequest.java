package io.myelin.api.users;

/**
 * A filter to look up.
 *
 * @param userId   the owner
 * @param filterId the id {@code POST /user/{userId}/filter} returned
 */
public record FilterRequest(String userId, String filterId) {
}
