package io.myelin.sync.push;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Decides what a user's push rules say about one event (client-server API, "Push Notifications": rules,
 * conditions, actions). Pure: everything it needs about the room comes in a {@link Context}.
 */
public final class PushEvaluator {

    private static final List<String> KINDS = List.of("override", "content", "room", "sender", "underride");
    private static final String WORD = "[A-Za-z0-9_]";
    private static final BigDecimal MAX_SAFE = BigDecimal.valueOf((1L << 53) - 1);

    /**
     * What the evaluator knows about the room and the user the event is evaluated for.
     *
     * @param userId                  the user whose rules these are
     * @param displayName             the user's display name in the room, or null
     * @param memberCount             how many members are joined to the room
     * @param senderPowerLevel        the sender's power level in the room
     * @param notificationPowerLevels the power levels the room's {@code notifications} require, by key
     */
    public record Context(String userId, String displayName, long memberCount, long senderPowerLevel,
                          Map<String, Long> notificationPowerLevels) {
    }

    /**
     * What the matching rule's actions say.
     *
     * @param notifies    whether the event notifies the user
     * @param highlighted whether it is highlighted
     */
    public record Outcome(boolean notifies, boolean highlighted) {
        /** No rule matched, or the rule does not notify. */
        public static final Outcome NONE = new Outcome(false, false);
    }

    private PushEvaluator() {
    }

    /**
     * Finds the first enabled rule that matches, in the order override, content, room, sender, underride, and
     * reads its actions. The user's own events never notify them.
     *
     * @param ruleset the {@code global} rule set, as {@code GET /pushrules/global/} returns it
     * @param event   the event in its client form
     * @param context the room and the user
     * @return what the rule's actions say; {@link Outcome#NONE} when no rule matches
     */
    public static Outcome evaluate(JsonObject ruleset, JsonObject event, Context context) {
        if (context.userId().equals(event.getString("sender", null))) {
            return Outcome.NONE;
        }
        for (String kind : KINDS) {
            if (!(ruleset.get(kind) instanceof JsonArray rules)) {
                continue;
            }
            for (JsonValue value : rules) {
                if (value instanceof JsonObject rule && rule.getBoolean("enabled", true)
                        && matches(kind, rule, event, context)) {
                    return outcome(rule.get("actions"));
                }
            }
        }
        return Outcome.NONE;
    }

    private static boolean matches(String kind, JsonObject rule, JsonObject event, Context context) {
        return switch (kind) {
            case "content" -> rule.get("pattern") instanceof JsonString pattern
                    && lookup(event, "content.body") instanceof JsonString body
                    && bodyMatches(pattern.getString(), body.getString());
            case "room" -> rule.getString("rule_id", "").equals(event.getString("room_id", null));
            case "sender" -> rule.getString("rule_id", "").equals(event.getString("sender", null));
            default -> {
                if (rule.get("conditions") instanceof JsonArray conditions) {
                    for (JsonValue condition : conditions) {
                        if (!(condition instanceof JsonObject c) || !condition(c, event, context)) {
                            yield false;
                        }
                    }
                }
                yield true;
            }
        };
    }

    /**
     * Evaluates one condition; unknown kinds never match.
     *
     * @param condition the condition
     * @param event     the event
     * @param context   the room and the user
     * @return whether it holds
     */
    static boolean condition(JsonObject condition, JsonObject event, Context context) {
        String key = condition.getString("key", null);
        return switch (condition.getString("kind", "")) {
            case "event_match" -> key != null && condition.get("pattern") instanceof JsonString pattern
                    && lookup(event, key) instanceof JsonString value
                    && (key.equals("content.body") ? bodyMatches(pattern.getString(), value.getString())
                    : glob(pattern.getString(), false).matcher(value.getString()).matches());
            case "event_property_is" -> key != null && scalar(condition.get("value"))
                    && scalar(lookup(event, key)) && same(lookup(event, key), condition.get("value"));
            case "event_property_contains" -> key != null && scalar(condition.get("value"))
                    && lookup(event, key) instanceof JsonArray array
                    && array.stream().anyMatch(v -> scalar(v) && same(v, condition.get("value")));
            case "contains_display_name" -> context.displayName() != null && !context.displayName().isEmpty()
                    && lookup(event, "content.body") instanceof JsonString body
                    && Pattern.compile("(?<!" + WORD + ")" + Pattern.quote(context.displayName()) + "(?!" + WORD
                    + ")", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE).matcher(body.getString()).find();
            case "room_member_count" -> condition.get("is") instanceof JsonString is
                    && memberCount(is.getString(), context.memberCount());
            case "sender_notification_permission" -> key != null
                    && context.senderPowerLevel() >= context.notificationPowerLevels().getOrDefault(key, 50L);
            default -> false;
        };
    }

    private static Outcome outcome(JsonValue actions) {
        boolean notify = false;
        boolean highlight = false;
        if (actions instanceof JsonArray list) {
            for (JsonValue action : list) {
                if (action instanceof JsonString name && name.getString().equals("notify")) {
                    notify = true;
                } else if (action instanceof JsonObject tweak
                        && "highlight".equals(tweak.getString("set_tweak", null))) {
                    highlight = !tweak.containsKey("value") || tweak.get("value") == JsonValue.TRUE;
                }
            }
        }
        return notify || highlight ? new Outcome(notify, highlight) : Outcome.NONE;
    }

    /**
     * Follows a dot-separated property path, where {@code \.} is a literal dot and {@code \\} a backslash.
     *
     * @param event the event
     * @param path  the path
     * @return the value, or null when a step is missing
     */
    static JsonValue lookup(JsonObject event, String path) {
        JsonValue current = event;
        for (String step : steps(path)) {
            if (!(current instanceof JsonObject object) || !object.containsKey(step)) {
                return null;
            }
            current = object.get(step);
        }
        return current;
    }

    private static List<String> steps(String path) {
        List<String> steps = new ArrayList<>();
        StringBuilder step = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' && i + 1 < path.length() && (path.charAt(i + 1) == '.' || path.charAt(i + 1) == '\\')) {
                step.append(path.charAt(++i));
            } else if (c == '.') {
                steps.add(step.toString());
                step.setLength(0);
            } else {
                step.append(c);
            }
        }
        steps.add(step.toString());
        return steps;
    }

    private static boolean bodyMatches(String pattern, String body) {
        return glob(pattern, true).matcher(body).find();
    }

    /**
     * Turns a glob ({@code *} any run of characters, {@code ?} one character) into a case-insensitive pattern.
     *
     * @param glob  the glob
     * @param words whether the match is any substring that starts and ends at a word boundary rather than the
     *              whole value
     * @return the pattern
     */
    static Pattern glob(String glob, boolean words) {
        StringBuilder regex = new StringBuilder(words ? "(?<!" + WORD + ")" : "");
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        if (words) {
            regex.append("(?!" + WORD + ")");
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    }

    private static boolean memberCount(String is, long count) {
        String op = "==";
        for (String prefix : List.of("==", ">=", "<=", "<", ">")) {
            if (is.startsWith(prefix)) {
                op = prefix;
                break;
            }
        }
        String digits = is.startsWith(op) ? is.substring(op.length()) : is;
        long n;
        try {
            n = Long.parseLong(digits.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        return switch (op) {
            case ">=" -> count >= n;
            case "<=" -> count <= n;
            case "<" -> count < n;
            case ">" -> count > n;
            default -> count == n;
        };
    }

    private static boolean scalar(JsonValue value) {
        if (value == null) {
            return false;
        }
        return switch (value.getValueType()) {
            case STRING, TRUE, FALSE, NULL -> true;
            case NUMBER -> ((JsonNumber) value).isIntegral()
                    && ((JsonNumber) value).bigDecimalValue().abs().compareTo(MAX_SAFE) <= 0;
            default -> false;
        };
    }

    private static boolean same(JsonValue a, JsonValue b) {
        if (a instanceof JsonNumber x && b instanceof JsonNumber y) {
            return x.bigDecimalValue().compareTo(y.bigDecimalValue()) == 0;
        }
        return a.equals(b);
    }
}
