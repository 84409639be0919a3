package io.myelin.sync.http;

import java.io.StringReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.Authentication;
import io.myelin.api.users.FilterRequest;
import io.myelin.api.users.Requester;
import io.myelin.api.users.UserData;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.sync.edu.EduFilter;
import io.myelin.sync.edu.Presence;
import io.myelin.sync.rooms.RoomsSource;
import io.myelin.sync.rooms.SyncFilter;
import io.myelin.sync.stream.Notifier;
import io.myelin.sync.stream.SyncQuery;
import io.myelin.sync.stream.SyncResult;
import io.myelin.sync.stream.SyncSource;
import io.myelin.sync.stream.SyncToken;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * {@code GET /sync} (client-server API, "Syncing"): reads every source's position, asks each source for what
 * lies between the client's {@code since} and there, and when nothing does, waits on the {@link Notifier}
 * until a source commits something for the user or {@code timeout} passes, then collects again.
 */
public final class SyncRoutes {

    private static final long MAX_TIMEOUT_MS = Duration.ofMinutes(10).toMillis();

    private final AccessTokens tokens;
    private final UserData userData;
    private final List<SyncSource> sources;
    private final RoomsSource rooms;
    private final Notifier notifier;
    private final Presence presence;

    /**
     * @param tokens   access tokens
     * @param userData stored filters
     * @param sources  every source, read at each request
     * @param rooms    the rooms source, which also says which rooms the user is in
     * @param notifier the notifier
     * @param presence marks the syncing user active, as {@code set_presence} asks
     */
    public SyncRoutes(AccessTokens tokens, UserData userData, List<SyncSource> sources, RoomsSource rooms,
                      Notifier notifier, Presence presence) {
        this.presence = presence;
        this.tokens = tokens;
        this.userData = userData;
        this.sources = sources;
        this.rooms = rooms;
        this.notifier = notifier;
    }

    /**
     * @param routes where to add {@code GET /sync}
     */
    public void register(Routes routes) {
        routes.clientV3(Method.GET, "/sync", this::sync);
    }

    private void sync(ServerRequest req, ServerResponse res) throws InterruptedException {
        Requester who = Authentication.require(req, tokens);
        var query = req.query();
        SyncToken since = query.first("since").asOptional().map(SyncRoutes::token).orElse(null);
        long timeout = query.first("timeout").asOptional().map(SyncRoutes::millis).orElse(0L);
        boolean fullState = query.first("full_state").asOptional().map(t -> bool(t, "full_state")).orElse(false);
        boolean stateAfter = query.first("use_state_after").asOptional().map(t -> bool(t, "use_state_after"))
                .orElse(false);
        presence.touch(who.userId(), query.first("set_presence").asOptional().orElse(null));
        JsonObject filter = filter(who.userId(), query.first("filter").asOptional().orElse(null), userData);
        SyncFilter.of(filter);
        EduFilter.check(filter);

        long deadline = System.nanoTime() + Duration.ofMillis(Math.min(timeout, MAX_TIMEOUT_MS)).toNanos();
        while (true) {
            long seen = notifier.mark(who.userId());
            Map<String, Long> upTo = positions(since);
            SyncResult result = collect(who, since, upTo, fullState, stateAfter, filter);
            long left = deadline - System.nanoTime();
            if (!result.isEmpty() || since == null || fullState || left <= 0) {
                Json.ok(res, result.toJson(nextBatch(result, upTo)));
                return;
            }
            notifier.await(who.userId(), seen, Duration.ofNanos(left));
        }
    }

    /** The positions read, lowered where a source delivered only part of what lies up to them. */
    private static String nextBatch(SyncResult result, Map<String, Long> upTo) {
        Map<String, Long> next = new HashMap<>();
        upTo.forEach((key, position) -> next.put(key, result.nextPosition(key, position)));
        return SyncToken.of(next).toString();
    }

    /** Every source's position now; a client's position from a token ahead of it is kept. */
    private Map<String, Long> positions(SyncToken since) {
        Map<String, Long> upTo = new HashMap<>();
        for (String key : SyncToken.KEYS) {
            upTo.put(key, since == null ? 0 : since.position(key));
        }
        for (SyncSource source : sources) {
            if (source.key() != null) {
                upTo.merge(source.key(), source.position(), Math::max);
            }
        }
        return upTo;
    }

    private SyncResult collect(Requester who, SyncToken since, Map<String, Long> upTo, boolean fullState,
                               boolean stateAfter, JsonObject filter) {
        long roomsSince = since == null ? 0 : since.position(SyncToken.ROOMS);
        List<Set<String>> joined = rooms.joinedRooms(who.userId(), roomsSince, upTo.get(SyncToken.ROOMS));
        SyncQuery query = new SyncQuery(who.userId(), who.deviceId(), since == null, fullState, filter,
                joined.get(0), joined.get(1), stateAfter);
        SyncResult result = new SyncResult(stateAfter);
        for (SyncSource source : sources) {
            if (source.key() != null) {
                source.collect(query, since == null ? 0 : since.position(source.key()), upTo.get(source.key()),
                        result);
            }
        }
        for (SyncSource source : sources) {
            if (source.key() == null) {
                source.collect(query, 0, 0, result);
            }
        }
        EduFilter.limit(filter, result);
        return result;
    }

    /**
     * The filter a request names: inline JSON, or the id of one the user uploaded.
     *
     * @param userId   the user
     * @param value    the parameter, or null
     * @param userData stored filters
     * @return the filter, the empty object when none
     */
    static JsonObject filter(String userId, String value, UserData userData) {
        if (value == null || value.isEmpty()) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        if (value.startsWith("{")) {
            return parse(value);
        }
        JsonObject stored = userData.filter(new FilterRequest(userId, value)).filter();
        if (stored == null) {
            throw MatrixException.invalidParam("No such filter.");
        }
        return stored;
    }

    static JsonObject parse(String json) {
        try (var reader = JsonSupport.provider().createReader(new StringReader(json))) {
            return reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw MatrixException.notJson("The filter is not a JSON object.");
        }
    }

    private static SyncToken token(String text) {
        try {
            return SyncToken.parse(text);
        } catch (IllegalArgumentException e) {
            throw MatrixException.invalidParam("'since' is not a sync token of this server.");
        }
    }

    static long millis(String text) {
        try {
            return Math.max(0, Long.parseLong(text));
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam("'timeout' must be a number of milliseconds.");
        }
    }

    private static boolean bool(String text, String name) {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw MatrixException.invalidParam("'" + name + "' must be true or false.");
        };
    }
}
