package io.myelin.sync.edu;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.myelin.protocol.json.JsonSupport;
import io.myelin.sync.stream.Memberships;
import io.myelin.sync.stream.Notifier;
import io.myelin.sync.stream.SyncQuery;
import io.myelin.sync.stream.SyncResult;
import io.myelin.sync.stream.SyncSource;
import io.myelin.sync.stream.SyncToken;

import jakarta.json.JsonObject;

/**
 * Who is typing in which room (client-server API, "Typing Notifications"), held in memory only: a typing
 * notification lives for seconds and a restart forgets it. Each start or stop, including a notification running
 * out, is a new position; a room whose typers changed after {@code since} gets an {@code m.typing} event with
 * everyone typing in it now.
 *
 * <p>Positions start at the clock's milliseconds when the server starts, so that they keep growing across a
 * restart and a client's old token never lies ahead of the stream. Expiry is measured on the monotonic
 * {@link System#nanoTime()}, so a wall clock set back cannot keep a notification alive. A user whose membership
 * of a room ends stops typing there at once.
 */
public final class Typing implements SyncSource {

    private final Memberships memberships;
    private final Notifier notifier;
    private final ScheduledExecutorService timer;
    private final Map<String, Map<String, Long>> typers = new HashMap<>();
    private final Map<String, Long> changedAt = new HashMap<>();
    private long position;

    /**
     * @param clock       the clock the first position is read from
     * @param memberships who to wake in a room
     * @param notifier    wakes them
     * @param timer       runs the expiries
     */
    public Typing(Clock clock, Memberships memberships, Notifier notifier, ScheduledExecutorService timer) {
        this.memberships = memberships;
        this.notifier = notifier;
        this.timer = timer;
        this.position = clock.millis();
    }

    @Override
    public String key() {
        return SyncToken.TYPING;
    }

    @Override
    public synchronized long position() {
        return position;
    }

    /**
     * Starts or stops a user's typing in a room and wakes the room's local members when that changed anything.
     *
     * @param roomId    the room
     * @param userId    the user
     * @param typing    whether they are typing
     * @param timeoutMs for how long, when typing
     */
    public void set(String roomId, String userId, boolean typing, long timeoutMs) {
        boolean changed;
        synchronized (this) {
            Map<String, Long> room = typers.computeIfAbsent(roomId, id -> new HashMap<>());
            if (typing) {
                changed = room.put(userId, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs)) == null;
            } else {
                changed = room.remove(userId) != null;
                if (room.isEmpty()) {
                    typers.remove(roomId);
                }
            }
            if (changed) {
                changedAt.put(roomId, ++position);
            }
        }
        if (typing) {
            timer.schedule(() -> expire(roomId), timeoutMs, TimeUnit.MILLISECONDS);
        }
        if (changed) {
            notifier.wake(memberships.localJoined(roomId));
        }
    }

    /**
     * Drops a user who is no longer in a room from its typers, waking the room's members when they were typing.
     *
     * @param roomId the room
     * @param userId the user whose membership ended
     */
    public void left(String roomId, String userId) {
        set(roomId, userId, false, 0);
    }

    /**
     * Drops the typers of a room whose time is up.
     *
     * @param roomId the room
     */
    void expire(String roomId) {
        boolean changed;
        synchronized (this) {
            Map<String, Long> room = typers.get(roomId);
            if (room == null) {
                return;
            }
            long now = System.nanoTime();
            changed = room.values().removeIf(until -> until - now <= 0);
            if (room.isEmpty()) {
                typers.remove(roomId);
            }
            if (changed) {
                changedAt.put(roomId, ++position);
            }
        }
        if (changed) {
            notifier.wake(memberships.localJoined(roomId));
        }
    }

    /**
     * @param roomId a room
     * @return who is typing there now, sorted
     */
    public synchronized List<String> typing(String roomId) {
        Map<String, Long> room = typers.get(roomId);
        return room == null ? List.of() : List.copyOf(new TreeSet<>(room.keySet()));
    }

    @Override
    public void collect(SyncQuery query, long since, long upTo, SyncResult result) {
        List<String> rooms = new ArrayList<>();
        synchronized (this) {
            for (String roomId : query.joinedRooms()) {
                if (!EduFilter.ephemeral(query.filter(), roomId, "m.typing")) {
                    continue;
                }
                Long at = changedAt.get(roomId);
                boolean fresh = query.initial() || query.newlyJoinedRooms().contains(roomId);
                if (fresh ? typers.containsKey(roomId) : at != null && at > since) {
                    rooms.add(roomId);
                }
            }
        }
        for (String roomId : rooms) {
            result.ephemeral(roomId, event(typing(roomId)));
        }
    }

    static JsonObject event(List<String> userIds) {
        return JsonSupport.objectBuilder().add("type", "m.typing")
                .add("content", JsonSupport.objectBuilder()
                        .add("user_ids", JsonSupport.provider().createArrayBuilder(userIds)))
                .build();
    }
}
