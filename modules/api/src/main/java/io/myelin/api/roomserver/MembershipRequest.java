package io.myelin.api.roomserver;

/**
 * A membership change.
 *
 * @param roomId the room
 * @param sender the local user making the change
 * @param target the user whose membership changes; the sender for join, leave and knock
 * @param action {@code join}, {@code leave}, {@code invite}, {@code kick}, {@code ban}, {@code unban} or
 *               {@code knock}
 * @param reason the reason, or null
 */
public record MembershipRequest(String roomId, String sender, String target, String action, String reason) {
}
