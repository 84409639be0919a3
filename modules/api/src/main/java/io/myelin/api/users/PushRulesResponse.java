package io.myelin.api.users;

import jakarta.json.JsonObject;

/**
 * A user's push rules.
 *
 * @param rules {@code {"global": {"override": [...], "content": [...], "room": [...], "sender": [...],
 *              "underride": [...]}}}
 */
public record PushRulesResponse(JsonObject rules) {
}
