package io.myelin.roomserver.input;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Message;
import io.myelin.api.bus.MessageHandler;
import io.myelin.api.bus.Streams;
import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.InputKind;
import io.myelin.api.roomserver.InputOutcome;
import io.myelin.api.roomserver.InputRoomEvent;
import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.event.Pdu;
import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;

/**
 * The room queues. Each room has one worker (a virtual thread, while the room has work) that takes the room's work
 * in order: inputs delivered by the bus stream {@code InputRoomEvent}, where every input from elsewhere goes with
 * the room id as subject, and local events to build, which callers in this process hand over directly.
 *
 * <p>Local events queued together are built and stored in one transaction (group commit), and each caller is
 * answered only once that transaction committed. They do not go through the bus first: a local event exists for
 * nobody until its caller is answered, so one lost in a crash before that was never acknowledged (the client sends
 * it again with the same transaction id), and skipping the bus saves a commit per event. An input from the bus
 * runs alone, in its own transaction with its acknowledgement.
 */
public final class InputWorker implements MessageHandler {

    private static final System.Logger LOG = System.getLogger(InputWorker.class.getName());
    private static final int ATTEMPTS = 3;
    private static final int RECENT_REQUESTS = 10_000;
    /** The most local events stored in one transaction. */
    private static final int MAX_BATCH = 64;

    /** Work for a room's worker. */
    private sealed interface Task permits Build, Delivered, Run {
    }

    /** A local event to build; the caller waits on the future. */
    private record Build(JsonObject build, CompletableFuture<InputOutcome> future) implements Task {
    }

    /** Other work on the room's position, run alone in its turn; the caller waits on the future. */
    private record Run<T>(Supplier<T> work, CompletableFuture<T> future) implements Task {
    }

    /** A message from the bus; its handler thread waits on {@code done}. */
    private record Delivered(Message message, CompletableFuture<Void> done) implements Task {
    }

    /** A room's waiting work; a room with none has no queue. */
    private static final class RoomQueue {
        private final String roomId;
        private final ArrayDeque<Task> tasks = new ArrayDeque<>();

        RoomQueue(String roomId) {
            this.roomId = roomId;
        }
    }

    private final Bus bus;
    private final InputPipeline pipeline;
    private final EventBuilder builder;
    private final InputMetrics metrics;
    private final Map<String, CompletableFuture<InputOutcome>> waiting = new ConcurrentHashMap<>();
    private final Map<String, RoomQueue> queues = new ConcurrentHashMap<>();
    private volatile boolean closed;
    // Requests handled lately, so that a message delivered again (its acknowledgement timed out while it ran)
    // never builds a second event; remote events are idempotent by event id anyway.
    private final Map<String, InputOutcome> handled = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, InputOutcome> eldest) {
                    return size() > RECENT_REQUESTS;
                }
            });

    /**
     * @param bus      the bus
     * @param pipeline the input path
     * @param builder  builds local events
     * @param metrics  where the backlog is counted
     */
    public InputWorker(Bus bus, InputPipeline pipeline, EventBuilder builder, InputMetrics metrics) {
        this.bus = bus;
        this.pipeline = pipeline;
        this.builder = builder;
        this.metrics = metrics;
    }

    /**
     * Queues an event for its room.
     *
     * @param roomId the room
     * @param event  the event
     * @param wait   whether the caller will wait for the outcome
     * @return the outcome's future; completed at once with null when not waiting
     */
    public CompletableFuture<InputOutcome> submit(String roomId, InputRoomEvent event, boolean wait) {
        JsonObjectBuilder message = JsonSupport.objectBuilder()
                .add("kind", event.kind().name())
                .add("event", event.event());
        if (event.roomVersion() != null) {
            message.add("room_version", event.roomVersion());
        }
        if (event.origin() != null) {
            message.add("origin", event.origin());
        }
        if (event.stateEventIds() != null) {
            message.add("state_event_ids", JsonSupport.provider().createArrayBuilder(event.stateEventIds()));
        }
        return send(roomId, message, wait);
    }

    /**
     * Queues a local event to build from the room's state when its turn comes.
     *
     * @param roomId the room
     * @param build  the event's sender, type, state key, content, and optional redacts and txn id
     * @return the outcome's future
     */
    public CompletableFuture<InputOutcome> submitBuild(String roomId, JsonObject build) {
        CompletableFuture<InputOutcome> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new IllegalStateException("the roomserver is stopping"));
            return future;
        }
        enqueue(roomId, new Build(build, future));
        return future;
    }

    /**
     * Queues an invite another server sent for a local user, to be stored in the room's turn.
     *
     * @param roomId  the room
     * @param version the room version the invite was sent for
     * @param pdu     the invite, co-signed, with its stripped state in {@code unsigned}
     * @return the outcome's future: null when this server is in the room and stored nothing
     */
    public CompletableFuture<InputOutcome> submitInvite(String roomId, RoomVersion version, Pdu pdu) {
        return run(roomId, () -> pipeline.invite(roomId, version, pdu));
    }

    /**
     * Queues the purge of a room, to run in the room's turn.
     *
     * @param roomId     the room
     * @param force      whether to purge it even while local users are joined
     * @param serverName this server's name, to tell local users
     * @return the future of the number of events deleted
     */
    public CompletableFuture<Integer> submitPurge(String roomId, boolean force, String serverName) {
        return run(roomId, () -> pipeline.purge(roomId, force, serverName));
    }

    private <T> CompletableFuture<T> run(String roomId, Supplier<T> work) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new IllegalStateException("the roomserver is stopping"));
            return future;
        }
        enqueue(roomId, new Run<>(work, future));
        return future;
    }

    /**
     * Stops taking local events and waits for the rooms' queues to empty.
     *
     * @param wait how long to wait at most
     */
    public void close(Duration wait) {
        closed = true;
        long deadline = System.nanoTime() + wait.toNanos();
        while (!queues.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void enqueue(String roomId, Task task) {
        boolean[] start = {false};
        RoomQueue queue = queues.compute(roomId, (id, existing) -> {
            RoomQueue q = existing != null ? existing : new RoomQueue(id);
            q.tasks.addLast(task);
            start[0] = existing == null;
            metrics.queued(existing == null);
            if (existing == null) {
                pipeline.rooms().pin(id);
            }
            return q;
        });
        if (start[0]) {
            Thread.ofVirtual().name("roomserver-input").start(() -> drain(queue));
        }
    }

    /**
     * The room's worker: runs while the room has work. A queue leaves the map only when empty, under the map's
     * lock for the room, so a room never has two workers.
     */
    private void drain(RoomQueue queue) {
        while (true) {
            List<Task> next = new ArrayList<>();
            queues.compute(queue.roomId, (id, existing) -> {
                if (queue.tasks.isEmpty()) {
                    metrics.roomIdle();
                    pipeline.rooms().unpin(id);
                    return null;
                }
                Task first = queue.tasks.pollFirst();
                next.add(first);
                while (first instanceof Build && next.size() < MAX_BATCH
                        && queue.tasks.peekFirst() instanceof Build) {
                    next.add(queue.tasks.pollFirst());
                }
                return queue;
            });
            if (next.isEmpty()) {
                return;
            }
            try {
                if (next.getFirst() instanceof Delivered d) {
                    try {
                        handleMessage(d.message());
                    } finally {
                        d.done().complete(null);
                    }
                } else if (next.getFirst() instanceof Run<?> r) {
                    run(r);
                } else {
                    build(queue.roomId, next.stream().map(Build.class::cast).toList());
                }
            } catch (RuntimeException | Error e) {
                // No caller is left waiting: whatever was not answered yet fails.
                LOG.log(System.Logger.Level.ERROR, "input worker of room " + queue.roomId + " failed", e);
                for (Task task : next) {
                    if (task instanceof Build b) {
                        b.future().completeExceptionally(e);
                    } else if (task instanceof Run<?> r) {
                        r.future().completeExceptionally(e);
                    }
                }
            } finally {
                metrics.done(next.size());
            }
        }
    }

    /**
     * Builds and stores local events in one transaction; when that fails, nothing of it is stored and each is
     * tried again on its own, so that one bad event cannot take the others down with it.
     */
    private void build(String roomId, List<Build> builds) {
        if (builds.size() == 1) {
            buildAlone(roomId, builds.getFirst());
            return;
        }
        Object[] results = new Object[builds.size()];
        // Signed ahead, outside the transaction and in parallel; input in order inside it.
        List<EventBuilder.Prepared> prepared = builder.prepare(roomId, builds.stream().map(Build::build).toList());
        try {
            pipeline.batch(roomId, () -> {
                for (int i = 0; i < builds.size(); i++) {
                    try {
                        InputOutcome outcome = i < prepared.size() ? builder.input(roomId, prepared.get(i)) : null;
                        results[i] = outcome != null ? outcome : builder.build(roomId, builds.get(i).build(), null);
                    } catch (MatrixException | ProtocolException e) {
                        // Refused before anything of it was written, or stored as refused: the batch goes on.
                        results[i] = e;
                    }
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a batch of " + builds.size() + " events in room " + roomId
                    + " failed; trying them one by one", e);
            builds.forEach(b -> buildAlone(roomId, b));
            return;
        }
        for (int i = 0; i < builds.size(); i++) {
            if (results[i] instanceof InputOutcome outcome) {
                builds.get(i).future().complete(outcome);
            } else {
                builds.get(i).future().completeExceptionally((Throwable) results[i]);
            }
        }
    }

    private void buildAlone(String roomId, Build b) {
        for (int attempt = 1; ; attempt++) {
            try {
                b.future().complete(builder.build(roomId, b.build(), null));
                return;
            } catch (MatrixException | ProtocolException e) {
                b.future().completeExceptionally(e);
                return;
            } catch (RuntimeException e) {
                pipeline.forgetRoom(roomId);
                if (attempt >= ATTEMPTS) {
                    LOG.log(System.Logger.Level.ERROR, "building an event in room " + roomId + " failed", e);
                    b.future().completeExceptionally(e);
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "building an event in room " + roomId + " failed, retrying", e);
            }
        }
    }

    private static <T> void run(Run<T> r) {
        try {
            r.future().complete(r.work().get());
        } catch (MatrixException | ProtocolException e) {
            r.future().completeExceptionally(e);
        }
    }

    private CompletableFuture<InputOutcome> send(String roomId, JsonObjectBuilder message, boolean wait) {
        String request = UUID.randomUUID().toString();
        CompletableFuture<InputOutcome> future = new CompletableFuture<>();
        if (wait) {
            waiting.put(request, future);
        } else {
            future.complete(null);
        }
        try {
            bus.publish(Streams.INPUT_ROOM_EVENT, roomId,
                    message.add("request", request).build().toString().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            waiting.remove(request);
            throw e;
        }
        return future;
    }

    @Override
    public void handle(Message message) {
        // The bus hands out a room's next message once this one is acknowledged, which happens inside the
        // event's transaction; the room's worker runs it in turn with the room's local events.
        CompletableFuture<Void> done = new CompletableFuture<>();
        enqueue(message.subject(), new Delivered(message, done));
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("room input failed", e.getCause());
        }
    }

    private void handleMessage(Message message) {
        JsonObject body;
        try (var reader = JsonSupport.provider().createReader(
                new StringReader(new String(message.payload(), StandardCharsets.UTF_8)))) {
            body = reader.readObject();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "dropped an unreadable input message in room " + message.subject());
            message.ack();
            return;
        }
        String request = body.getString("request", "");
        CompletableFuture<InputOutcome> future = waiting.remove(request);
        InputOutcome earlier = handled.get(request);
        if (earlier != null) {
            if (future != null) {
                future.complete(earlier);
            }
            message.ack();
            return;
        }
        // The acknowledgement joins the event's transaction: it counts only once the event committed (the embedded
        // bus stores it in that transaction, NATS sends it after the commit), so no input is lost to a crash.
        boolean[] acked = {false};
        Runnable ack = () -> {
            message.ack();
            acked[0] = true;
        };
        try {
            InputOutcome outcome = body.containsKey("build")
                    ? builder.build(message.subject(), body.getJsonObject("build"), ack)
                    : pipeline.input(message.subject(), InputKind.valueOf(body.getString("kind")),
                            body.getString("room_version", null), body.getJsonObject("event"),
                            strings(body.getJsonArray("state_event_ids")),
                            new InputPipeline.Extras(false, null, null, null, ack, null));
            handled.put(request, outcome);
            if (future != null) {
                future.complete(outcome);
            }
        } catch (MatrixException | ProtocolException e) {
            if (future != null) {
                future.completeExceptionally(e);
            }
        } catch (RuntimeException e) {
            // One bad event never blocks its room: retry a few times in case the cause was passing, then give up.
            pipeline.forgetRoom(message.subject());
            acked[0] = false;
            if (message.deliveries() < ATTEMPTS) {
                LOG.log(System.Logger.Level.WARNING, "input failed in room " + message.subject() + ", retrying", e);
                if (future != null) {
                    waiting.put(request, future);
                }
                message.nak();
                return;
            }
            LOG.log(System.Logger.Level.ERROR, "input failed in room " + message.subject() + ", dropped", e);
            if (future != null) {
                future.completeExceptionally(e);
            }
        }
        if (!acked[0]) {
            message.ack();
        }
    }

    private static List<String> strings(JsonArray array) {
        return array == null ? null : array.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }
}
