package io.myelin.api.users;

import java.util.List;

/**
 * Whose devices to list.
 *
 * @param userIds local user ids
 */
public record DevicesRequest(List<String> userIds) {
}
