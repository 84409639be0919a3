package io.myelin.sync.stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class NotifierTest {

    @Test
    void aWakeBetweenMarkAndAwaitIsNotMissed() throws Exception {
        Notifier notifier = new Notifier();
        long seen = notifier.mark("@a:x");
        notifier.wake(List.of("@a:x"));
        assertTrue(notifier.await("@a:x", seen, Duration.ofSeconds(5)));
    }

    @Test
    void waitersWakeOnlyForTheirOwnUsers() throws Exception {
        Notifier notifier = new Notifier();
        long seen = notifier.mark("@a:x");
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<Boolean> woken = CompletableFuture.supplyAsync(() -> {
                try {
                    return notifier.await("@a:x", seen, Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, executor);
            notifier.wake(List.of("@b:x"));
            assertFalse(woken.isDone());
            notifier.wake(List.of("@a:x"));
            assertTrue(woken.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void awaitEndsAtItsTimeout() throws Exception {
        Notifier notifier = new Notifier();
        assertFalse(notifier.await("@a:x", notifier.mark("@a:x"), Duration.ofMillis(50)));
    }
}
