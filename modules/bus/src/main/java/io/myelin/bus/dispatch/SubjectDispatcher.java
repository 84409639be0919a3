package io.myelin.bus.dispatch;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.myelin.api.bus.MessageHandler;

/**
 * Hands a consumer's messages to its handler: in order within a subject, in parallel across subjects.
 *
 * <p>Both providers feed it the messages they read, in stream order. Each subject with messages waiting
 * gets one virtual thread that delivers the subject's messages one after the other: the next message
 * is delivered only after the previous one was acknowledged. A negative acknowledgement, an exception
 * from the handler, or no answer within the acknowledgement timeout delivers the same message again
 * (after the redelivery delay, for the first two) before anything later of its subject. Each delivery
 * runs the handler on a fresh virtual thread, so that a handler stuck past its timeout cannot hold up
 * the redelivery.
 *
 * <p>The number of messages held (submitted and not yet acknowledged) is bounded by the consumer's
 * in-flight limit: providers call {@link #awaitCapacity()} before reading more, or bound delivery on the
 * broker with the same figure. Memory therefore stays bounded however far the consumer falls behind.
 */
public final class SubjectDispatcher {

    private static final System.Logger LOG = System.getLogger(SubjectDispatcher.class.getName());

    private final String stream;
    private final String durable;
    private final MessageHandler handler;
    private final Duration ackTimeout;
    private final Duration nakDelay;
    private final int maxInFlight;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, ArrayDeque<Envelope>> queues = new HashMap<>();
    private final Set<Thread> workers = new HashSet<>();
    private final Set<Thread> handlers = new HashSet<>();
    private final List<Envelope> leftovers = new ArrayList<>();
    private int held;
    private boolean closing;

    /**
     * Creates a dispatcher.
     *
     * @param stream      the stream, as the handler sees it
     * @param durable     the durable name, for thread names and logs
     * @param handler     the consumer's handler
     * @param ackTimeout  how long a delivery may stay unsettled
     * @param nakDelay    the default redelivery delay after a negative acknowledgement
     * @param maxInFlight how many messages may be held at once
     */
    public SubjectDispatcher(String stream, String durable, MessageHandler handler, Duration ackTimeout,
                             Duration nakDelay, int maxInFlight) {
        this.stream = stream;
        this.durable = durable;
        this.handler = handler;
        this.ackTimeout = ackTimeout;
        this.nakDelay = nakDelay;
        this.maxInFlight = maxInFlight;
    }

    /**
     * Queues a message behind the earlier ones of its subject.
     *
     * @param envelope the message
     * @return false when the dispatcher is closing; the caller keeps the message
     */
    public boolean submit(Envelope envelope) {
        lock.lock();
        try {
            if (closing) {
                return false;
            }
            held++;
            ArrayDeque<Envelope> queue = queues.get(envelope.subject());
            if (queue != null) {
                queue.addLast(envelope);
                return true;
            }
            queue = new ArrayDeque<>();
            queue.addLast(envelope);
            queues.put(envelope.subject(), queue);
            String subject = envelope.subject();
            Thread worker = Thread.ofVirtual()
                    .name("bus-" + stream + "-" + durable)
                    .unstarted(() -> drain(subject));
            workers.add(worker);
            worker.start();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks while the in-flight limit is reached.
     *
     * @return how many more messages may be submitted now; 0 when closing
     * @throws InterruptedException when interrupted
     */
    public int awaitCapacity() throws InterruptedException {
        lock.lock();
        try {
            while (!closing && held >= maxInFlight) {
                changed.await();
            }
            return closing ? 0 : maxInFlight - held;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Messages submitted and not yet acknowledged.
     *
     * @return the count
     */
    public int held() {
        lock.lock();
        try {
            return held;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops delivering: waits up to {@code drain} for handlers in progress, then gives every message not
     * acknowledged back to its provider ({@link Envelope#release()}) in stream order. Handlers still
     * running after the wait are interrupted and their messages are left to the provider's own
     * redelivery.
     *
     * @param drain how long to wait for handlers in progress
     */
    public void close(Duration drain) {
        List<Envelope> release = new ArrayList<>();
        lock.lock();
        try {
            closing = true;
            changed.signalAll();
            long deadline = System.nanoTime() + drain.toNanos();
            // Handlers in progress may finish and acknowledge; then the workers, which by now only wait
            // for late acknowledgements or redelivery delays, are told to give their messages back.
            awaitEmpty(handlers, deadline);
            workers.forEach(Thread::interrupt);
            awaitEmpty(workers, deadline + Duration.ofSeconds(1).toNanos());
            if (!handlers.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "bus: {0} handler(s) of {1}/{2} still running after {3}",
                        handlers.size(), stream, durable, drain);
                handlers.forEach(Thread::interrupt);
            }
            queues.values().forEach(release::addAll);
            queues.clear();
            release.addAll(leftovers);
            leftovers.clear();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        release.sort(Comparator.comparingLong(Envelope::sequence));
        for (Envelope envelope : release) {
            try {
                envelope.release();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "bus: could not give back a message; it is redelivered later", e);
            }
        }
    }

    private void awaitEmpty(Set<Thread> threads, long deadline) throws InterruptedException {
        while (!threads.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            changed.awaitNanos(left);
        }
    }

    private void drain(String subject) {
        try {
            while (true) {
                Envelope next;
                lock.lock();
                try {
                    if (closing) {
                        // What still waits in the queue is given back by close().
                        return;
                    }
                    ArrayDeque<Envelope> queue = queues.get(subject);
                    next = queue.pollFirst();
                    if (next == null) {
                        queues.remove(subject);
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                boolean acked = deliverUntilAcked(next);
                lock.lock();
                try {
                    if (acked) {
                        held--;
                        changed.signalAll();
                    } else {
                        leftovers.add(next);
                        return;
                    }
                } finally {
                    lock.unlock();
                }
            }
        } finally {
            lock.lock();
            try {
                workers.remove(Thread.currentThread());
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Delivers one message until it is acknowledged.
     *
     * @return true once acknowledged, false when the dispatcher closed first
     */
    private boolean deliverUntilAcked(Envelope envelope) {
        int attempt = 0;
        while (true) {
            if (isClosing()) {
                return false;
            }
            Delivery delivery = new Delivery(stream, envelope, envelope.deliveries() + attempt, nakDelay);
            attempt++;
            startHandler(delivery);
            Delivery.Outcome outcome;
            try {
                outcome = await(delivery);
            } catch (InterruptedException e) {
                if (delivery.abandon()) {
                    return false;
                }
                // An acknowledgement is being stored right now: give it a moment so it is not lost.
                Delivery.Outcome late = awaitSettling(delivery);
                return late != null && late.acked();
            }
            if (outcome == null) {
                LOG.log(System.Logger.Level.DEBUG, () -> "bus: " + stream + "/" + durable + " seq "
                        + envelope.sequence() + " not acknowledged within " + ackTimeout + ", delivering again");
                continue;
            }
            if (outcome.acked()) {
                return true;
            }
            if (!pause(outcome.delay())) {
                return false;
            }
        }
    }

    private void startHandler(Delivery delivery) {
        Thread thread = Thread.ofVirtual().name("bus-handler-" + stream + "-" + durable).unstarted(() -> {
            try {
                handler.handle(delivery);
            } catch (Exception e) {
                // While closing, a failure is most likely the shutdown itself reaching the handler.
                System.Logger.Level level = isClosing() ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING;
                LOG.log(level, "bus: handler of " + stream + "/" + durable + " failed on seq "
                        + delivery.sequence() + ", delivering it again", e);
                delivery.nak();
            } finally {
                lock.lock();
                try {
                    handlers.remove(Thread.currentThread());
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        });
        lock.lock();
        try {
            handlers.add(thread);
        } finally {
            lock.unlock();
        }
        thread.start();
    }

    /**
     * Waits for the delivery's outcome within the acknowledgement timeout.
     *
     * @return the outcome, or null when it timed out and was abandoned
     */
    private Delivery.Outcome await(Delivery delivery) throws InterruptedException {
        try {
            return delivery.outcome().get(ackTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (delivery.abandon()) {
                return null;
            }
            // An acknowledgement is being stored, or waits for its transaction to commit; its result
            // decides, unless that takes another timeout (the transaction rolled back).
            return awaitSettling(delivery);
        } catch (ExecutionException e) {
            return new Delivery.Outcome(false, nakDelay);
        }
    }

    /**
     * Waits one more acknowledgement timeout for an acknowledgement already under way, ignoring
     * interrupts so that a closing dispatcher does not lose it.
     *
     * @return the outcome, or null when it did not come
     */
    private Delivery.Outcome awaitSettling(Delivery delivery) {
        long deadline = System.nanoTime() + ackTimeout.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return delivery.outcome().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (TimeoutException e) {
                    return null;
                } catch (ExecutionException e) {
                    return new Delivery.Outcome(false, nakDelay);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits out a redelivery delay; a closing dispatcher cuts it short.
     *
     * @return false when closing
     */
    private boolean pause(Duration delay) {
        long deadline = System.nanoTime() + delay.toNanos();
        lock.lock();
        try {
            while (!closing) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                changed.awaitNanos(left);
            }
            return false;
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    private boolean isClosing() {
        lock.lock();
        try {
            return closing;
        } finally {
            lock.unlock();
        }
    }
}
