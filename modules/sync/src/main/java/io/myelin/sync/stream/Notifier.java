package io.myelin.sync.stream;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes waiting {@code /sync} requests. Each user has a signal counter: a source bumps the counters of the
 * users a committed change concerns; a waiting request remembers the counter it saw before collecting and
 * sleeps until it moves or its timeout ends, so a change between collecting and waiting is never missed.
 */
public final class Notifier {

    private final ConcurrentHashMap<String, Signal> signals = new ConcurrentHashMap<>();

    /**
     * Tells the given users' waiting requests that something they may see was committed.
     *
     * @param userIds the users
     */
    public void wake(Collection<String> userIds) {
        for (String userId : userIds) {
            Signal signal = signals.get(userId);
            if (signal != null) {
                signal.bump();
            }
        }
    }

    /**
     * Starts watching a user: call before collecting, then pass the result to {@link #await}.
     *
     * @param userId the user
     * @return the counter now
     */
    public long mark(String userId) {
        return signals.computeIfAbsent(userId, id -> new Signal()).count();
    }

    /**
     * Waits until the user's counter moves past {@code seen} or the timeout passes.
     *
     * @param userId  the user
     * @param seen    what {@link #mark} returned
     * @param timeout how long to wait at most
     * @return whether the counter moved
     * @throws InterruptedException when the thread is interrupted
     */
    public boolean await(String userId, long seen, Duration timeout) throws InterruptedException {
        Signal signal = signals.computeIfAbsent(userId, id -> new Signal());
        return signal.await(seen, timeout.toNanos());
    }

    private static final class Signal {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition moved = lock.newCondition();
        private long count;

        long count() {
            lock.lock();
            try {
                return count;
            } finally {
                lock.unlock();
            }
        }

        void bump() {
            lock.lock();
            try {
                count++;
                moved.signalAll();
            } finally {
                lock.unlock();
            }
        }

        boolean await(long seen, long nanos) throws InterruptedException {
            lock.lock();
            try {
                long left = nanos;
                while (count == seen) {
                    if (left <= 0) {
                        return false;
                    }
                    left = moved.awaitNanos(left);
                }
                return true;
            } finally {
                lock.unlock();
            }
        }
    }
}
