package io.myelin.api.roomserver;

/**
 * A membership change.
 *
 * @param roomId      the room
 * @param sender      the local user making the change
 * @param target      the user whose membership changes; the sender for join, leave and knock
 * @param action      {@code join}, {@code leave}, {@code invite}, {@code kick}, {@code ban}, {@code unban} or
 *                    {@code knock}
 * @param reason      the reason, or null
 * @param displayname the target's display name for the event's content when it joins, knocks or is invited, or
 *                    null
 * @param avatarUrl   the target's avatar URL for the event's content when it joins, knocks or is invited, or null
 */
public record MembershipRequest(String roomId, String sender, String target, String action, String reason,
                                String displayname, String avatarUrl) {

    /**
     * A change whose event carries no profile.
     *
     * @param roomId the room
     * @param sender the local user making the change
     * @param target the user whose membership changes
     * @param action the action
     * @param reason the reason, or null
     */
    public MembershipRequest(String roomId, String sender, String target, String action, String reason) {
        this(roomId, sender, target, action, reason, null, null);
    }
}
