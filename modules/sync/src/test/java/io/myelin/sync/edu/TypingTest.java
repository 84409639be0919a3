package io.myelin.sync.edu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.myelin.sync.stream.Memberships;
import io.myelin.sync.stream.Notifier;

import org.junit.jupiter.api.Test;

class TypingTest {

    private static final String ROOM = "!r:x";

    /** A wall clock that an operator (or NTP) has just set an hour back. */
    private static final class SetBack extends Clock {
        private volatile Duration offset = Duration.ZERO;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }

    private static final Memberships NOBODY = new Memberships() {
        @Override
        public Set<String> localJoined(String roomId) {
            return Set.of();
        }

        @Override
        public Set<String> joinedRooms(String userId) {
            return Set.of();
        }

        @Override
        public Set<String> localUsersSharingRoomsWith(String userId) {
            return Set.of();
        }
    };

    @Test
    void aNotificationRunsOutThoughTheWallClockWentBack() throws Exception {
        SetBack clock = new SetBack();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            Typing typing = new Typing(clock, NOBODY, new Notifier(), timer);
            typing.set(ROOM, "@a:x", true, 100);
            clock.offset = Duration.ofHours(-1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!typing.typing(ROOM).isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "the notification outlived its timeout");
                Thread.sleep(10);
            }
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void aUserWhoLeftIsNoLongerTyping() {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            Typing typing = new Typing(Clock.systemUTC(), NOBODY, new Notifier(), timer);
            typing.set(ROOM, "@a:x", true, 60_000);
            typing.set(ROOM, "@b:x", true, 60_000);
            long before = typing.position();
            typing.left(ROOM, "@a:x");
            assertEquals(List.of("@b:x"), typing.typing(ROOM));
            assertTrue(typing.position() > before, "the change is a new position");
        } finally {
            timer.shutdownNow();
        }
    }
}
