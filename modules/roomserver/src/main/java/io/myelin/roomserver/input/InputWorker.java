package io.myelin.roomserver.input;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Message;
import io.myelin.api.bus.MessageHandler;
import io.myelin.api.bus.Streams;
import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.InputKind;
import io.myelin.api.roomserver.InputOutcome;
import io.myelin.api.roomserver.InputRoomEvent;
import io.myelin.protocol.ProtocolException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;

/**
 * The room queues: every input and every local event to build goes onto the bus stream {@code InputRoomEvent}
 * with the room id as subject, and this handler takes them one at a time per room. A caller in this process that
 * waits gets its outcome through a future the worker completes.
 */
public final class InputWorker implements MessageHandler {

    private static final System.Logger LOG = System.getLogger(InputWorker.class.getName());
    private static final int ATTEMPTS = 3;
    private static final int RECENT_REQUESTS = 10_000;

    private final Bus bus;
    private final InputPipeline pipeline;
    private final EventBuilder builder;
    private final Map<String, CompletableFuture<InputOutcome>> waiting = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> roomLocks = new ConcurrentHashMap<>();
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
     */
    public InputWorker(Bus bus, InputPipeline pipeline, EventBuilder builder) {
        this.bus = bus;
        this.pipeline = pipeline;
        this.builder = builder;
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
        JsonObjectBuilder message = Json.createObjectBuilder()
                .add("kind", event.kind().name())
                .add("event", event.event());
        if (event.roomVersion() != null) {
            message.add("room_version", event.roomVersion());
        }
        if (event.origin() != null) {
            message.add("origin", event.origin());
        }
        if (event.stateEventIds() != null) {
            message.add("state_event_ids", Json.createArrayBuilder(event.stateEventIds()));
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
        return send(roomId, Json.createObjectBuilder().add("build", build), true);
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
        // event's transaction; the room's lock holds the next one back until the room's memory is up to date too.
        ReentrantLock lock = roomLocks.computeIfAbsent(message.subject(), s -> new ReentrantLock());
        lock.lock();
        try {
            handleLocked(message);
        } finally {
            lock.unlock();
        }
    }

    private void handleLocked(Message message) {
        JsonObject body;
        try (var reader = Json.createReader(new StringReader(new String(message.payload(), StandardCharsets.UTF_8)))) {
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
        // The acknowledgement joins the event's transaction, so that on the embedded bus both commit at once.
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
                            new InputPipeline.Extras(false, null, null, ack));
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
