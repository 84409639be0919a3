package io.myelin.users.push;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.helidon.http.Status;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.protocol.id.RoomId;
import io.myelin.protocol.id.UserId;

import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * A user's push rules (client-server API, "Push Rules"): the server-default rules with the user's own rules
 * in front of them, except that {@code .m.rule.master} stays the most important override rule.
 *
 * <p>What is stored per user is a document of changes, {@code {"user": {kind: [rules]}, "defaults":
 * {"kind/rule_id": {"enabled": ..., "actions": [...]}}}}; the defaults are rendered from this server's own
 * list, so that a newer server's defaults reach every user.
 */
public final class PushRules {

    /** The rule kinds in the order they are evaluated. */
    public static final List<String> KINDS = List.of("override", "content", "room", "sender", "underride");
    private static final String MASTER = ".m.rule.master";
    private static final Set<String> ACTIONS = Set.of("notify", "dont_notify", "coalesce");
    private static final String DEFAULTS = readDefaults();

    private PushRules() {
    }

    /**
     * Renders a user's whole rule set.
     *
     * @param changes the user's stored changes (an empty object when none)
     * @param userId  the user, substituted into the default rules that mention the user
     * @return {@code {"override": [...], "content": [...], "room": [...], "sender": [...], "underride": [...]}}
     */
    public static JsonObject ruleset(JsonObject changes, String userId) {
        String quoted = JsonSupport.provider().createValue(userId).toString();
        JsonObject defaults = parse(DEFAULTS.replace("\"@USER_ID@\"", quoted));
        JsonObject user = object(changes, "user");
        JsonObject tweaks = object(changes, "defaults");
        JsonObjectBuilder out = Json.object();
        for (String kind : KINDS) {
            JsonArrayBuilder rules = JsonSupport.arrayBuilder();
            List<JsonObject> own = rules(user, kind);
            boolean ownAdded = false;
            for (JsonValue value : defaults.getJsonArray(kind)) {
                JsonObject rule = value.asJsonObject();
                if (!ownAdded && !rule.getString("rule_id").equals(MASTER)) {
                    own.forEach(rules::add);
                    ownAdded = true;
                }
                JsonObject tweak = object(tweaks, kind + "/" + rule.getString("rule_id"));
                JsonObjectBuilder rendered = JsonSupport.objectBuilder(rule);
                tweak.forEach(rendered::add);
                rules.add(rendered);
            }
            if (!ownAdded) {
                own.forEach(rules::add);
            }
            out.add(kind, rules);
        }
        return out.build();
    }

    /**
     * Finds one rule.
     *
     * @param ruleset a rendered rule set
     * @param kind    the kind
     * @param ruleId  the rule id
     * @return the rule, if it exists
     */
    public static Optional<JsonObject> find(JsonObject ruleset, String kind, String ruleId) {
        return ruleset.getJsonArray(checkKind(kind)).stream().map(JsonValue::asJsonObject)
                .filter(rule -> rule.getString("rule_id").equals(ruleId)).findFirst();
    }

    /**
     * Adds or replaces a user-defined rule.
     *
     * @param changes the stored changes
     * @param kind    the kind
     * @param ruleId  the rule id
     * @param body    the request body: {@code actions}, and {@code conditions} or {@code pattern} by kind
     * @param before  the user rule the new rule goes just before, or null
     * @param after   the user rule the new rule goes just after, or null
     * @return the new changes
     */
    public static JsonObject put(JsonObject changes, String kind, String ruleId, JsonObject body, String before,
                                 String after) {
        checkKind(kind);
        if (ruleId.startsWith(".") || ruleId.contains("/") || ruleId.contains("\\") || ruleId.isEmpty()) {
            throw MatrixException.invalidParam("Rule ids may not be empty, start with '.' or contain slashes.");
        }
        JsonObjectBuilder rule = Json.object().add("rule_id", ruleId).add("default", false).add("enabled", true)
                .add("actions", actions(body.get("actions")));
        switch (kind) {
            case "override", "underride" -> rule.add("conditions", conditions(body.get("conditions")));
            case "content" -> {
                if (!(body.get("pattern") instanceof JsonString pattern) || pattern.getString().isEmpty()) {
                    throw MatrixException.missingParam("Content rules need a 'pattern'.");
                }
                rule.add("pattern", pattern);
            }
            case "room" -> requireValid(RoomId::parse, ruleId, "Room rules are named by a room id.");
            default -> requireValid(UserId::parse, ruleId, "Sender rules are named by a user id.");
        }
        List<JsonObject> own = rules(object(changes, "user"), kind);
        int existing = indexOf(own, ruleId);
        JsonObject built = rule.build();
        if (existing >= 0 && before == null && after == null) {
            // An update without a position keeps the rule where it is, and its enabled flag.
            JsonObject old = own.get(existing);
            own.set(existing, JsonSupport.objectBuilder(built).add("enabled", old.get("enabled")).build());
        } else {
            if (existing >= 0) {
                own.remove(existing);
            }
            int at = 0;
            if (before != null) {
                at = relative(own, before);
            } else if (after != null) {
                at = relative(own, after) + 1;
            }
            own.add(at, built);
        }
        return withRules(changes, kind, own);
    }

    /**
     * Deletes a user-defined rule.
     *
     * @param changes the stored changes
     * @param kind    the kind
     * @param ruleId  the rule id
     * @return the new changes
     */
    public static JsonObject delete(JsonObject changes, String kind, String ruleId) {
        checkKind(kind);
        if (ruleId.startsWith(".")) {
            throw MatrixException.invalidParam("Server-default rules cannot be deleted; disable them instead.");
        }
        List<JsonObject> own = rules(object(changes, "user"), kind);
        int index = indexOf(own, ruleId);
        if (index < 0) {
            throw notFound();
        }
        own.remove(index);
        return withRules(changes, kind, own);
    }

    /**
     * Sets a field ({@code enabled} or {@code actions}) of a rule, default or user-defined.
     *
     * @param changes the stored changes
     * @param userId  the user
     * @param kind    the kind
     * @param ruleId  the rule id
     * @param field   {@code enabled} or {@code actions}
     * @param value   the checked value
     * @return the new changes
     */
    public static JsonObject set(JsonObject changes, String userId, String kind, String ruleId, String field,
                                 JsonValue value) {
        checkKind(kind);
        JsonObject rule = find(ruleset(changes, userId), kind, ruleId).orElseThrow(PushRules::notFound);
        if (rule.getBoolean("default")) {
            JsonObject tweaks = object(changes, "defaults");
            String key = kind + "/" + ruleId;
            JsonObject tweak = JsonSupport.objectBuilder(object(tweaks, key)).add(field, value).build();
            return JsonSupport.objectBuilder(changes)
                    .add("defaults", JsonSupport.objectBuilder(tweaks).add(key, tweak)).build();
        }
        List<JsonObject> own = rules(object(changes, "user"), kind);
        int index = indexOf(own, ruleId);
        own.set(index, JsonSupport.objectBuilder(own.get(index)).add(field, value).build());
        return withRules(changes, kind, own);
    }

    /**
     * Checks an {@code actions} array.
     *
     * @param value the value from the request
     * @return the actions
     */
    public static JsonArray actions(JsonValue value) {
        if (!(value instanceof JsonArray array)) {
            throw MatrixException.missingParam("'actions' must be a list.");
        }
        for (JsonValue action : array) {
            boolean ok = action instanceof JsonString s && ACTIONS.contains(s.getString())
                    || action instanceof JsonObject o && o.get("set_tweak") instanceof JsonString;
            if (!ok) {
                throw MatrixException.invalidParam("Unknown action " + action + ".");
            }
        }
        return array;
    }

    private static JsonArray conditions(JsonValue value) {
        if (value == null) {
            return JsonValue.EMPTY_JSON_ARRAY;
        }
        if (!(value instanceof JsonArray array)
                || array.stream().anyMatch(c -> !(c instanceof JsonObject o)
                        || !(o.get("kind") instanceof JsonString))) {
            throw MatrixException.invalidParam("'conditions' must be a list of objects with a 'kind'.");
        }
        return array;
    }

    private static String checkKind(String kind) {
        if (!KINDS.contains(kind)) {
            throw MatrixException.invalidParam("Unknown push rule kind " + kind + ".");
        }
        return kind;
    }

    private static void requireValid(java.util.function.Consumer<String> parser, String id, String message) {
        try {
            parser.accept(id);
        } catch (RuntimeException e) {
            throw MatrixException.invalidParam(message);
        }
    }

    private static int relative(List<JsonObject> own, String ruleId) {
        int index = indexOf(own, ruleId);
        if (index < 0) {
            throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_UNKNOWN,
                    "before/after rule not found: " + ruleId);
        }
        return index;
    }

    private static int indexOf(List<JsonObject> rules, String ruleId) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).getString("rule_id").equals(ruleId)) {
                return i;
            }
        }
        return -1;
    }

    private static List<JsonObject> rules(JsonObject user, String kind) {
        List<JsonObject> out = new ArrayList<>();
        if (user.get(kind) instanceof JsonArray array) {
            array.forEach(v -> out.add(v.asJsonObject()));
        }
        return out;
    }

    private static JsonObject withRules(JsonObject changes, String kind, List<JsonObject> own) {
        JsonArrayBuilder array = JsonSupport.arrayBuilder();
        own.forEach(array::add);
        JsonObject user = JsonSupport.objectBuilder(object(changes, "user")).add(kind, array).build();
        return JsonSupport.objectBuilder(changes).add("user", user).build();
    }

    private static JsonObject object(JsonObject parent, String key) {
        return parent.get(key) instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
    }

    private static MatrixException notFound() {
        return MatrixException.notFound("The push rule was not found.");
    }

    private static JsonObject parse(String text) {
        try (var reader = JsonSupport.provider().createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static String readDefaults() {
        try (InputStream in = PushRules.class.getResourceAsStream("/io/myelin/users/push/default-rules.json")) {
            if (in == null) {
                throw new IllegalStateException("default-rules.json is missing from the users module");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
