package io.myelin.client;

import java.util.List;

import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.Fields;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.Authentication;
import io.myelin.api.users.Requester;

import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/**
 * The user directory (client-server API, "User directory"): {@code POST /user_directory/search}.
 *
 * <p>A searcher finds the users who share a room with them and the members of rooms with a {@code public} join
 * rule or {@code world_readable} history, the three groups the spec asks for; publishing a room in the room
 * directory does not by itself show its members. Each word of the search term must start a word of the user's
 * id or display name, ignoring case and accents. Only users of rooms this server takes part in are searched;
 * remote servers are not asked. Results come in this order: users who share a room with the searcher, then those
 * with a display name, then with an avatar, then by user id; there is no relevance rank beyond that yet. A limit
 * above 50 is taken as 50, and {@code limited} then says so.
 */
final class UserDirectoryRoutes {

    private static final int DEFAULT_LIMIT = 10;
    private static final int MAX_LIMIT = 50;
    private static final int MAX_TERMS = 8;

    private final AccessTokens tokens;
    private final UserDirectory directory;

    UserDirectoryRoutes(AccessTokens tokens, UserDirectory directory) {
        this.tokens = tokens;
        this.directory = directory;
    }

    void register(Routes routes) {
        routes.clientV3(Method.POST, "/user_directory/search", this::search);
    }

    private void search(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        JsonObject body = Bodies.optional(req);
        if (!body.containsKey("search_term")) {
            throw MatrixException.missingParam("'search_term' is required.");
        }
        String term = Fields.requiredString(body, "search_term", ErrorCode.M_BAD_JSON);
        int limit = Math.min(limit(body), MAX_LIMIT);
        List<String> terms = UserDirectory.split(term);
        JsonArrayBuilder results = JsonSupport.arrayBuilder();
        boolean limited = false;
        if (!terms.isEmpty()) {
            List<UserDirectory.Found> found = directory.search(who.userId(),
                    terms.subList(0, Math.min(terms.size(), MAX_TERMS)), limit + 1);
            limited = found.size() > limit;
            for (UserDirectory.Found user : found.subList(0, Math.min(found.size(), limit))) {
                JsonObjectBuilder entry = Json.object().add("user_id", user.userId());
                if (user.displayName() != null) {
                    entry.add("display_name", user.displayName());
                }
                if (user.avatarUrl() != null) {
                    entry.add("avatar_url", user.avatarUrl());
                }
                results.add(entry);
            }
        }
        Json.ok(res, Json.object().add("results", results).add("limited", limited).build());
    }

    private static int limit(JsonObject body) {
        JsonValue value = body.get("limit");
        if (value == null || value == JsonValue.NULL) {
            return DEFAULT_LIMIT;
        }
        if (!(value instanceof JsonNumber n) || !n.isIntegral()) {
            throw MatrixException.badJson("'limit' must be an integer.");
        }
        if (n.longValue() < 0) {
            throw MatrixException.invalidParam("'limit' must not be negative.");
        }
        return (int) Math.min(n.longValue(), Integer.MAX_VALUE);
    }
}
