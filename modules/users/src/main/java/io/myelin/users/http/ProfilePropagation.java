package io.myelin.users.http;

import java.util.List;

import io.myelin.api.roomserver.Membership;
import io.myelin.api.roomserver.MembershipsRequest;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.SendEventRequest;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.api.roomserver.StateTuple;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.users.store.AccountStore.Profile;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Carries a changed profile into the rooms its user has joined, as a new join event with the new display name and
 * avatar, so that other members see the change.
 *
 * <p>Rooms are updated one after another while the request waits, so a client that reads a room right after its
 * profile change sees the new name. A room that refuses the event (for example when the user may no longer change
 * their membership there) is logged and skipped: the profile itself is already saved and stays changed.
 */
final class ProfilePropagation {

    private static final System.Logger LOG = System.getLogger(ProfilePropagation.class.getName());
    private static final String MEMBER = "m.room.member";

    private final RoomserverApi rooms;

    ProfilePropagation(RoomserverApi rooms) {
        this.rooms = rooms;
    }

    /**
     * Sends the new profile to every room the user has joined.
     *
     * @param userId  the user
     * @param profile the profile after the change
     * @return how many rooms took the update
     */
    int propagate(String userId, Profile profile) {
        List<Membership> joined;
        try {
            joined = rooms.memberships(new MembershipsRequest(null, userId, "join")).memberships();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "users: cannot list the joined rooms of " + userId
                    + " to update its profile there", e);
            return 0;
        }
        int updated = 0;
        for (Membership m : joined) {
            try {
                update(m.roomId(), userId, profile);
                updated++;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "users: profile of user_id " + userId
                        + " not updated in room_id " + m.roomId() + ": " + e.getMessage());
            }
        }
        return updated;
    }

    private void update(String roomId, String userId, Profile profile) {
        List<RoomEvent> current = rooms.state(new StateRequest(roomId, null, false,
                List.of(new StateTuple(MEMBER, userId)))).events();
        JsonObject old = current.isEmpty() ? JsonObject.EMPTY_JSON_OBJECT
                : current.getFirst().json().getJsonObject("content");
        // Keep what else the member event says (is_direct, third-party fields) and replace only the profile; a
        // field the user cleared is left out rather than sent empty. The restricted-join authorisation belonged
        // to the original join and would have to be signed again by the authorising server, so it goes.
        JsonObjectBuilder content = JsonSupport.objectBuilder(old == null ? JsonObject.EMPTY_JSON_OBJECT : old)
                .remove("displayname").remove("avatar_url").remove("join_authorised_via_users_server")
                .add("membership", "join");
        if (profile.displayname() != null) {
            content.add("displayname", profile.displayname());
        }
        if (profile.avatarUrl() != null) {
            content.add("avatar_url", profile.avatarUrl());
        }
        rooms.sendEvent(new SendEventRequest(roomId, userId, MEMBER, userId, content.build(), null));
    }
}
