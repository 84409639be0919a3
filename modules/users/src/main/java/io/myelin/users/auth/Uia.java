package io.myelin.users.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.Fields;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.users.crypto.Secrets;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/**
 * User-interactive authentication (client-server API, "User-Interactive Authentication API").
 *
 * <p>Sessions live in memory for {@link #LIFETIME}: a restart forgets them and the client starts over.
 * Each session is bound to one purpose (registration, or an operation of one user) so that stages
 * completed for one request cannot be spent on another, and it is consumed when its request succeeds, so
 * that it cannot be replayed.
 */
public final class Uia {

    /** How long a session may stay unfinished. */
    public static final Duration LIFETIME = Duration.ofMinutes(15);

    private static final int MAX_SESSIONS = 100_000;

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Clock clock;

    /**
     * @param clock the clock session lifetimes are measured with
     */
    public Uia(Clock clock) {
        this.clock = clock;
    }

    /** Checks one stage's auth dict. */
    @FunctionalInterface
    public interface StageCheck {
        /**
         * @param type the stage type, one of the flows' stages
         * @param auth the client's auth dict
         * @return whether the stage succeeded
         */
        boolean check(String type, JsonObject auth);
    }

    private record Session(String purpose, long createdMs, Set<String> completed) {
    }

    /**
     * Runs the request's auth dict through the flows. When every stage of some flow is complete the session
     * is consumed and this returns true; otherwise it has sent the 401 that tells the client what is left
     * and returns false.
     *
     * @param body    the request body
     * @param purpose what the session is for, for example {@code register} or {@code delete_devices @a:b}
     * @param flows   the flows, each a list of stage types
     * @param check   checks a stage
     * @param res     the response the 401 goes to
     * @return whether the request may proceed
     * @throws MatrixException 400 {@code M_UNKNOWN} when the session is unknown, expired, consumed or belongs to
     *                         another purpose
     */
    public boolean complete(JsonObject body, String purpose, List<List<String>> flows, StageCheck check,
                            ServerResponse res) {
        Optional<JsonObject> challenge = attempt(body, purpose, flows, check);
        challenge.ifPresent(json -> Json.send(res, Status.UNAUTHORIZED_401, json));
        return challenge.isEmpty();
    }

    /**
     * Runs the request's auth dict through the flows, as {@link #complete} does, but returns the 401 body
     * instead of sending it.
     *
     * @param body    the request body
     * @param purpose what the session is for
     * @param flows   the flows, each a list of stage types
     * @param check   checks a stage
     * @return empty when the request may proceed, otherwise the body of the 401 to send
     * @throws MatrixException 400 {@code M_UNKNOWN} when the session is unknown, expired, consumed or belongs to
     *                         another purpose
     */
    public Optional<JsonObject> attempt(JsonObject body, String purpose, List<List<String>> flows,
                                        StageCheck check) {
        expireOld();
        JsonValue authValue = body.get("auth");
        if (authValue == null || authValue.getValueType() != JsonValue.ValueType.OBJECT) {
            return Optional.of(challenge(flows, start(purpose), Set.of(), null, null));
        }
        JsonObject auth = authValue.asJsonObject();
        String sessionId = auth.containsKey("session") ? string(auth, "session") : start(purpose);
        Session session = sessions.get(sessionId);
        if (session == null || !session.purpose().equals(purpose)) {
            throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_UNKNOWN,
                    "Unknown or expired user-interactive authentication session.");
        }
        if (!auth.containsKey("type")) {
            return Optional.of(challenge(flows, sessionId, session.completed(), null, null));
        }
        String type = string(auth, "type");
        boolean offered = flows.stream().anyMatch(flow -> flow.contains(type));
        if (!offered) {
            return Optional.of(challenge(flows, sessionId, session.completed(), ErrorCode.M_UNRECOGNIZED,
                    "This server does not offer the stage " + type + " here."));
        }
        if (!check.check(type, auth)) {
            return Optional.of(challenge(flows, sessionId, session.completed(), ErrorCode.M_FORBIDDEN,
                    "Authentication failed for stage " + type + "."));
        }
        boolean done;
        synchronized (session.completed()) {
            session.completed().add(type);
            done = flows.stream().anyMatch(flow -> session.completed().containsAll(flow));
        }
        if (done) {
            if (sessions.remove(sessionId, session)) {
                return Optional.empty();
            }
            // Two requests finished the same session at once: only one may use it.
            throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_UNKNOWN,
                    "Unknown or expired user-interactive authentication session.");
        }
        return Optional.of(challenge(flows, sessionId, session.completed(), null, null));
    }

    private String start(String purpose) {
        // Unauthenticated requests open sessions; past this many, refuse rather than grow without bound.
        if (sessions.size() >= MAX_SESSIONS) {
            throw new MatrixException(Status.TOO_MANY_REQUESTS_429, ErrorCode.M_LIMIT_EXCEEDED,
                    "Too many authentication sessions are open; try again later.", null,
                    Map.of("retry_after_ms", LIFETIME.toMillis()));
        }
        String id = Secrets.opaque(18);
        sessions.put(id, new Session(purpose, clock.millis(), new LinkedHashSet<>()));
        return id;
    }

    private void expireOld() {
        long oldest = clock.millis() - LIFETIME.toMillis();
        sessions.values().removeIf(s -> s.createdMs() < oldest);
    }

    private static JsonObject challenge(List<List<String>> flows, String session,
                                  Set<String> completed, ErrorCode code, String error) {
        JsonArrayBuilder flowArray = JsonSupport.arrayBuilder();
        for (List<String> flow : flows) {
            flowArray.add(Json.object().add("stages", JsonSupport.provider().createArrayBuilder(flow)));
        }
        JsonObjectBuilder body = Json.object()
                .add("flows", flowArray)
                .add("params", Json.empty())
                .add("session", session);
        synchronized (completed) {
            if (!completed.isEmpty()) {
                body.add("completed", JsonSupport.provider().createArrayBuilder(List.copyOf(completed)));
            }
        }
        if (code != null) {
            body.add("errcode", code.name()).add("error", error);
        }
        return body.build();
    }

    /** A string of the auth dict; callers have seen the key, so one that is null is malformed rather than missing. */
    private static String string(JsonObject auth, String key) {
        return Fields.requiredString(auth, key, ErrorCode.M_BAD_JSON);
    }
}
