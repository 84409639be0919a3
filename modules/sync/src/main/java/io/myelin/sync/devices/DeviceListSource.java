package io.myelin.sync.devices;

import java.io.ByteArrayInputStream;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import io.myelin.api.bus.Message;
import io.myelin.api.keys.DeviceListChange;
import io.myelin.api.roomserver.OutputRoomEvent;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomRequest;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.api.roomserver.StateTuple;
import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.event.EventIds;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.sync.stream.Memberships;
import io.myelin.sync.stream.Notifier;
import io.myelin.sync.stream.SyncQuery;
import io.myelin.sync.stream.SyncResult;
import io.myelin.sync.stream.SyncSource;
import io.myelin.sync.stream.SyncToken;

import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Device-list tracking for {@code /sync}'s {@code device_lists} and {@code GET /keys/changes} (client-server
 * API, "Tracking the device list for a user").
 *
 * <p>Two kinds of rows share the device-list positions: a local user's devices or keys changed (from
 * {@code OutputKeyChangeEvent}), and a user started or stopped being joined to a room (from the
 * {@code m.room.member} events on {@code OutputRoomEvent} that changed the room's current state). Only the
 * change is stored, one row per event, never one per pair of users: who starts or stops sharing a room with
 * whom is worked out when a client asks, from the rows in its window and the memberships then. For a window
 * {@code (from, to]} and a user U:
 * <ul>
 *   <li>{@code changed}: users whose devices changed and who share a room with U now (U included); users who
 *   joined a room U is in; every member of a room U joined;</li>
 *   <li>{@code left}: users who left a room U is in, and the members of a room U left, who share no room with
 *   U now.</li>
 * </ul>
 */
public final class DeviceListSource implements SyncSource {

    private static final System.Logger LOG = System.getLogger(DeviceListSource.class.getName());
    private static final String MEMBER = "m.room.member";

    /**
     * The device-list part of a window.
     *
     * @param changed users whose device lists the client should fetch again
     * @param left    users the client no longer shares a room with
     */
    record Changes(Set<String> changed, Set<String> left) {
    }

    private record RoomUser(String roomId, String userId) {
    }

    private final DeviceListStore store;
    private final StreamCounter counter;
    private final Memberships memberships;
    private final RoomserverApi rooms;
    private final Notifier notifier;
    private final ToDeviceStore inboxes;
    private final String serverName;

    DeviceListSource(DeviceListStore store, StreamCounter counter, Memberships memberships, RoomserverApi rooms,
                     Notifier notifier, ToDeviceStore inboxes, String serverName) {
        this.store = store;
        this.counter = counter;
        this.memberships = memberships;
        this.rooms = rooms;
        this.notifier = notifier;
        this.inboxes = inboxes;
        this.serverName = serverName;
    }

    @Override
    public String key() {
        return SyncToken.DEVICE_LISTS;
    }

    @Override
    public long position() {
        return counter.position();
    }

    /** Only incremental syncs carry device lists: an initial sync makes the client fetch them all. */
    @Override
    public void collect(SyncQuery query, long since, long upTo, SyncResult result) {
        if (query.initial() || since >= upTo) {
            return;
        }
        Changes changes = changes(query.userId(), since, upTo);
        changes.changed().forEach(result::deviceListChanged);
        changes.left().forEach(result::deviceListLeft);
    }

    /**
     * @param userId the asking user
     * @param from   the position the client has
     * @param to     the last position to consider
     * @return the users whose device lists changed for them in between, and those they stopped sharing rooms with
     */
    Changes changes(String userId, long from, long to) {
        Set<String> changed = new LinkedHashSet<>();
        Set<String> left = new LinkedHashSet<>();
        if (from >= to) {
            return new Changes(changed, left);
        }
        Set<String> myRooms = memberships.joinedRooms(userId);
        Map<String, Set<String>> roomsOf = new HashMap<>();
        Predicate<String> shares = other -> other.equals(userId)
                || !Collections.disjoint(myRooms, roomsOf.computeIfAbsent(other, memberships::joinedRooms));

        for (String other : store.changedUsers(from, to)) {
            if (shares.test(other)) {
                changed.add(other);
            }
        }

        // The last change of each membership in the window is what counts.
        Map<RoomUser, DeviceListStore.MemberChange> latest = new LinkedHashMap<>();
        Map<String, Set<String>> windowMembers = new HashMap<>();
        for (DeviceListStore.MemberChange change : store.memberChanges(from, to)) {
            RoomUser key = new RoomUser(change.roomId(), change.userId());
            latest.remove(key);
            latest.put(key, change);
            windowMembers.computeIfAbsent(change.roomId(), r -> new HashSet<>()).add(change.userId());
        }
        latest.forEach((key, change) -> {
            String roomId = key.roomId();
            String other = key.userId();
            boolean joined = change.joined();
            if (other.equals(userId)) {
                Set<String> members = membersAt(change);
                if (joined) {
                    members.remove(userId);
                    changed.addAll(members);
                } else {
                    members.addAll(windowMembers.getOrDefault(roomId, Set.of()));
                    members.stream().filter(m -> !shares.test(m)).forEach(left::add);
                }
            } else if (myRooms.contains(roomId)) {
                if (joined) {
                    changed.add(other);
                } else if (!shares.test(other)) {
                    left.add(other);
                }
            }
        });
        left.removeAll(changed);
        return new Changes(changed, left);
    }

    /**
     * The room's members right after a membership event, from the state after it: not the room's current
     * members, since one who joined later is announced by the row of their own join, in the window that holds it.
     * Rows without an event (written before events were kept) read the current members.
     */
    private Set<String> membersAt(DeviceListStore.MemberChange change) {
        if (change.eventId() == null) {
            return new LinkedHashSet<>(rooms.joined(new RoomRequest(change.roomId())).users());
        }
        Set<String> members = new LinkedHashSet<>();
        for (RoomEvent member : rooms.state(new StateRequest(change.roomId(), change.eventId(), false,
                List.of(new StateTuple(MEMBER, null)))).events()) {
            JsonObject json = member.json();
            if (json.get("content") instanceof JsonObject content
                    && "join".equals(content.getString("membership", ""))
                    && json.get("state_key") instanceof JsonString stateKey) {
                members.add(stateKey.getString());
            }
        }
        return members;
    }

    /**
     * Handles a record of {@code OutputKeyChangeEvent}: records the change, empties a deleted device's inbox,
     * and wakes the users who share a room with the owner.
     *
     * @param message the message
     */
    void onKeyChange(Message message) {
        DeviceListChange change;
        try {
            change = DeviceListChange.fromBytes(message.payload());
        } catch (JsonException | ClassCastException | NullPointerException e) {
            LOG.log(System.Logger.Level.WARNING, "sync: dropping a malformed OutputKeyChangeEvent record, sequence "
                    + message.sequence());
            message.ack();
            return;
        }
        store.changed(change.userId(), tx -> {
            if (DeviceListChange.DEVICE_DELETED.equals(change.kind()) && change.deviceId() != null) {
                inboxes.deleteDevice(tx, change.userId(), change.deviceId());
            }
        });
        message.ack();
        notifier.wake(memberships.localUsersSharingRoomsWith(change.userId()));
    }

    /**
     * Handles a record of {@code OutputRoomEvent}: a membership event that changed the room's current state
     * between joined and not joined is recorded, and the room's local members and the user are woken.
     *
     * @param message the message
     */
    void onRoomEvent(Message message) {
        DeviceListStore.MemberChange change = memberChange(message.payload());
        boolean recorded = change != null && store.member(change);
        message.ack();
        if (recorded) {
            Set<String> wake = new HashSet<>(memberships.localJoined(change.roomId()));
            if (change.userId().endsWith(":" + serverName)) {
                wake.add(change.userId());
            }
            notifier.wake(wake);
        }
    }

    private static DeviceListStore.MemberChange memberChange(byte[] payload) {
        JsonObject output;
        try (JsonReader reader = JsonSupport.provider().createReader(new ByteArrayInputStream(payload))) {
            output = reader.readObject();
        } catch (JsonException e) {
            LOG.log(System.Logger.Level.WARNING, "sync: skipping an OutputRoomEvent record that is not JSON");
            return null;
        }
        if (!OutputRoomEvent.NEW_ROOM_EVENT.equals(output.getString("type", ""))
                || !(output.get("event") instanceof JsonObject event)
                || !MEMBER.equals(event.getString("type", ""))
                || !(event.get("state_key") instanceof JsonString stateKey)
                || !(event.get("content") instanceof JsonObject content)) {
            return null;
        }
        String roomId = output.getString("roomId", "");
        RoomVersion version = RoomVersion.of(output.getString("roomVersion", "")).orElse(null);
        if (version == null) {
            return null;
        }
        // Only an event that became current state changes who is in the room.
        String eventId;
        try {
            eventId = EventIds.eventId(event, version);
        } catch (ProtocolException e) {
            LOG.log(System.Logger.Level.WARNING, "sync: skipping a membership event without an id, room_id "
                    + roomId);
            return null;
        }
        JsonValue adds = output.get("addsStateEventIds");
        if (!(adds instanceof JsonArray ids) || ids.stream()
                .noneMatch(id -> id instanceof JsonString s && s.getString().equals(eventId))) {
            return null;
        }
        return new DeviceListStore.MemberChange(roomId, stateKey.getString(),
                "join".equals(content.getString("membership", "")), eventId);
    }
}
