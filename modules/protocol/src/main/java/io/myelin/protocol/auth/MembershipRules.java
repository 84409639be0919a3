package io.myelin.protocol.auth;

import java.util.List;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.event.EventView;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** The authorization rules for {@code m.room.member} events: join, invite, leave, ban and knock. */
final class MembershipRules {

    private MembershipRules() {
    }

    static AuthResult check(RoomVersion version, ThirdPartyInviteVerifier verifier, EventView event,
                            AuthState state, EventView create, PowerLevels levels) {
        JsonValue membershipValue = event.content().get("membership");
        if (event.stateKey() == null || !(membershipValue instanceof JsonString membershipString)) {
            return AuthResult.reject("membership.shape", "a member event needs a state key and a membership");
        }
        String membership = membershipString.getString();
        return switch (membership) {
            case EventTypes.JOIN -> join(version, event, state, create, levels);
            case EventTypes.INVITE -> invite(verifier, event, state, levels);
            case EventTypes.LEAVE -> leave(version, event, state, levels);
            case EventTypes.BAN -> ban(event, state, levels);
            case EventTypes.KNOCK -> version.knocking() ? knock(version, event, state)
                    : AuthResult.reject("membership.unknown", "knocking does not exist in room version "
                            + version.id());
            default -> AuthResult.reject("membership.unknown", "unknown membership " + membership);
        };
    }

    private static AuthResult join(RoomVersion version, EventView event, AuthState state, EventView create,
                                   PowerLevels levels) {
        String sender = event.sender();
        String target = event.stateKey();

        // The creator's own join straight after the create event needs nothing else.
        List<String> prev = event.prevEventIds();
        if (prev.size() == 1 && prev.getFirst().equals(create.eventId()) && isCreator(version, create, target)) {
            return AuthResult.ALLOWED;
        }
        if (!sender.equals(target)) {
            return AuthResult.reject("join.sender", sender + " cannot join on behalf of " + target);
        }
        String current = membership(state, sender);
        if (EventTypes.BAN.equals(current)) {
            return AuthResult.reject("join.banned", sender + " is banned");
        }
        String joinRule = joinRule(state);
        boolean invitedOrJoined = EventTypes.INVITE.equals(current) || EventTypes.JOIN.equals(current);
        if ("invite".equals(joinRule) || version.knocking() && "knock".equals(joinRule)) {
            return invitedOrJoined ? AuthResult.ALLOWED
                    : AuthResult.reject("join.invite_only", "join rule is " + joinRule + " and " + sender
                            + " is not invited");
        }
        if (version.restrictedJoins() && "restricted".equals(joinRule)
                || version.knockRestricted() && "knock_restricted".equals(joinRule)) {
            return invitedOrJoined ? AuthResult.ALLOWED : restrictedJoin(event, state, levels, joinRule);
        }
        if ("public".equals(joinRule)) {
            return AuthResult.ALLOWED;
        }
        return AuthResult.reject("join.rule", "join rule " + joinRule + " lets nobody join");
    }

    private static AuthResult restrictedJoin(EventView event, AuthState state, PowerLevels levels,
                                             String joinRule) {
        String authoriser = AuthEventsSelector.string(event.content(), "join_authorised_via_users_server");
        if (authoriser == null) {
            return AuthResult.reject("join.restricted", "join rule is " + joinRule
                    + " and no join_authorised_via_users_server is given");
        }
        if (!EventTypes.JOIN.equals(membership(state, authoriser))) {
            return AuthResult.reject("join.restricted", "authorising user " + authoriser + " is not joined");
        }
        if (levels.user(authoriser) < levels.invite()) {
            return AuthResult.reject("join.restricted", "authorising user " + authoriser
                    + " may not invite");
        }
        return AuthResult.ALLOWED;
    }

    private static AuthResult invite(ThirdPartyInviteVerifier verifier, EventView event, AuthState state,
                                     PowerLevels levels) {
        String sender = event.sender();
        String target = event.stateKey();
        if (event.content().containsKey("third_party_invite")) {
            return thirdPartyInvite(verifier, event, state);
        }
        if (!EventTypes.JOIN.equals(membership(state, sender))) {
            return AuthResult.reject("invite.sender", sender + " is not joined");
        }
        String targetMembership = membership(state, target);
        if (EventTypes.JOIN.equals(targetMembership) || EventTypes.BAN.equals(targetMembership)) {
            return AuthResult.reject("invite.target", target + " is already " + targetMembership);
        }
        long senderLevel = levels.user(sender);
        return senderLevel >= levels.invite() ? AuthResult.ALLOWED
                : AuthResult.reject("invite.level", sender + " has level " + senderLevel
                        + ", below the invite level " + levels.invite());
    }

    private static AuthResult thirdPartyInvite(ThirdPartyInviteVerifier verifier, EventView event,
                                               AuthState state) {
        String target = event.stateKey();
        if (EventTypes.BAN.equals(membership(state, target))) {
            return AuthResult.reject("third_party_invite.banned", target + " is banned");
        }
        if (!(event.content().get("third_party_invite") instanceof JsonObject invite)
                || !(invite.get("signed") instanceof JsonObject signed)) {
            return AuthResult.reject("third_party_invite.signed", "third_party_invite has no signed object");
        }
        String mxid = AuthEventsSelector.string(signed, "mxid");
        String token = AuthEventsSelector.string(signed, "token");
        if (mxid == null || token == null) {
            return AuthResult.reject("third_party_invite.signed", "signed has no mxid or token");
        }
        if (!mxid.equals(target)) {
            return AuthResult.reject("third_party_invite.mxid", "signed mxid " + mxid + " is not " + target);
        }
        EventView inviteEvent = state.event(EventTypes.THIRD_PARTY_INVITE, token);
        if (inviteEvent == null) {
            return AuthResult.reject("third_party_invite.token", "no m.room.third_party_invite for the token");
        }
        if (!inviteEvent.sender().equals(event.sender())) {
            return AuthResult.reject("third_party_invite.sender", event.sender()
                    + " did not send the third-party invite");
        }
        List<String> keys = AuthRules.publicKeys(inviteEvent.content());
        return !keys.isEmpty() && verifier.verify(signed, keys) ? AuthResult.ALLOWED
                : AuthResult.reject("third_party_invite.signature", "no signature of signed matches a public key "
                        + "of " + inviteEvent.eventId());
    }

    private static AuthResult leave(RoomVersion version, EventView event, AuthState state, PowerLevels levels) {
        String sender = event.sender();
        String target = event.stateKey();
        String senderMembership = membership(state, sender);
        if (sender.equals(target)) {
            boolean canLeave = EventTypes.INVITE.equals(senderMembership) || EventTypes.JOIN.equals(senderMembership)
                    || version.knocking() && EventTypes.KNOCK.equals(senderMembership);
            return canLeave ? AuthResult.ALLOWED
                    : AuthResult.reject("leave.self", sender + " cannot leave with membership " + senderMembership);
        }
        if (!EventTypes.JOIN.equals(senderMembership)) {
            return AuthResult.reject("leave.sender", sender + " is not joined");
        }
        long senderLevel = levels.user(sender);
        if (EventTypes.BAN.equals(membership(state, target)) && senderLevel < levels.ban()) {
            return AuthResult.reject("leave.unban", sender + " has level " + senderLevel
                    + ", below the ban level " + levels.ban() + " needed to unban");
        }
        if (senderLevel >= levels.kick() && levels.user(target) < senderLevel) {
            return AuthResult.ALLOWED;
        }
        return AuthResult.reject("leave.kick", sender + " (level " + senderLevel + ") may not kick " + target
                + " (level " + levels.user(target) + ", kick level " + levels.kick() + ")");
    }

    private static AuthResult ban(EventView event, AuthState state, PowerLevels levels) {
        String sender = event.sender();
        String target = event.stateKey();
        if (!EventTypes.JOIN.equals(membership(state, sender))) {
            return AuthResult.reject("ban.sender", sender + " is not joined");
        }
        long senderLevel = levels.user(sender);
        if (senderLevel >= levels.ban() && levels.user(target) < senderLevel) {
            return AuthResult.ALLOWED;
        }
        return AuthResult.reject("ban.level", sender + " (level " + senderLevel + ") may not ban " + target
                + " (level " + levels.user(target) + ", ban level " + levels.ban() + ")");
    }

    private static AuthResult knock(RoomVersion version, EventView event, AuthState state) {
        String joinRule = joinRule(state);
        if (!"knock".equals(joinRule) && !(version.knockRestricted() && "knock_restricted".equals(joinRule))) {
            return AuthResult.reject("knock.rule", "join rule " + joinRule + " does not allow knocking");
        }
        if (!event.sender().equals(event.stateKey())) {
            return AuthResult.reject("knock.sender", event.sender() + " cannot knock for " + event.stateKey());
        }
        String current = membership(state, event.sender());
        if (EventTypes.BAN.equals(current) || EventTypes.INVITE.equals(current) || EventTypes.JOIN.equals(current)) {
            return AuthResult.reject("knock.membership", event.sender() + " is already " + current);
        }
        return AuthResult.ALLOWED;
    }

    private static boolean isCreator(RoomVersion version, EventView create, String userId) {
        // Only the create event's own sender (or pre-v11 creator) makes the first join, not additional creators.
        if (version.v11Rules()) {
            return create.sender().equals(userId);
        }
        return create.content().get("creator") instanceof JsonString s && s.getString().equals(userId);
    }

    /**
     * A user's membership in a state.
     *
     * @param state the state
     * @param userId the user
     * @return the membership, or {@code "leave"} when the state has none for the user
     */
    static String membership(AuthState state, String userId) {
        EventView member = state.event(EventTypes.MEMBER, userId);
        if (member == null || !(member.content().get("membership") instanceof JsonString s)) {
            return EventTypes.LEAVE;
        }
        return s.getString();
    }

    private static String joinRule(AuthState state) {
        EventView rules = state.event(EventTypes.JOIN_RULES, "");
        if (rules == null) {
            // No join rules event: only invited (or joined) users get in, as in a room created private.
            return "invite";
        }
        String rule = AuthEventsSelector.string(rules.content(), "join_rule");
        return rule == null ? "" : rule;
    }
}
