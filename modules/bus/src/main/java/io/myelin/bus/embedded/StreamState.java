package io.myelin.bus.embedded;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the embedded bus keeps in memory about one stream: its last sequence number and the
 * acknowledgement floor of each durable consumer, which together say how far the slowest consumer is
 * behind. The database holds the same figures; this copy lets publishers decide without a query.
 */
final class StreamState {

    final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a consumer's floor moves or the bus closes: blocked publishers look again. */
    final Condition roomy = lock.newCondition();
    /** Signalled when a message is published: idle readers look again. */
    final Condition published = lock.newCondition();
    final String stream;
    final Map<String, Long> floors = new HashMap<>();
    long lastSeq;
    int reserved;
    long pruned;

    StreamState(String stream, long lastSeq) {
        this.stream = stream;
        this.lastSeq = lastSeq;
    }

    /**
     * Records a commit of messages up to {@code seq} and wakes idle readers.
     *
     * @param seq the last sequence number committed
     */
    void committed(long seq) {
        lock.lock();
        try {
            lastSeq = Math.max(lastSeq, seq);
            published.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Messages published or being published that some consumer has not acknowledged, counting
     * acknowledgements above a floor as missing (a bound from above). Zero without consumers.
     * Call with the lock held.
     */
    long backlog() {
        if (floors.isEmpty()) {
            return 0;
        }
        return lastSeq + reserved - minFloor();
    }

    /** The lowest floor of any consumer, or the last sequence when there is none. Call with the lock held. */
    long minFloor() {
        long min = lastSeq;
        for (long floor : floors.values()) {
            min = Math.min(min, floor);
        }
        return min;
    }
}
