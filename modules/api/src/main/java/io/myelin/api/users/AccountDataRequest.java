package io.myelin.api.users;

/**
 * Which account data to read.
 *
 * @param userId the owner
 * @param roomId {@link AccountDataEntry#GLOBAL} for global data, a room id for that room's data, or null for
 *               global data and every room's
 * @param type   one type, or null for every type
 */
public record AccountDataRequest(String userId, String roomId, String type) {
}
