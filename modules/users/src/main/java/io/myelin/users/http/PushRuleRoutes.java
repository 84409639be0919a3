package io.myelin.users.http;

import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.users.Requester;
import io.myelin.users.push.PushRules;
import io.myelin.users.store.PushRuleStore;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * The push rules API (client-server API, "Push Rules: API"). Only the {@code global} scope exists.
 */
public final class PushRuleRoutes {

    private static final String RULE = "/pushrules/{scope}/{kind}/{ruleId}";

    private final PushRuleStore store;
    private final Guard guard;
    private final ClientDataEvents events;

    PushRuleRoutes(PushRuleStore store, Guard guard, ClientDataEvents events) {
        this.store = store;
        this.guard = guard;
        this.events = events;
    }

    void register(Routes routes) {
        for (String path : new String[] {"/pushrules", "/pushrules/"}) {
            routes.clientV3(Method.GET, path, (req, res) -> Json.ok(res,
                    Json.object().add("global", ruleset(guard.requester(req, res))).build()));
        }
        for (String path : new String[] {"/pushrules/global", "/pushrules/global/"}) {
            routes.clientV3(Method.GET, path, (req, res) -> Json.ok(res, ruleset(guard.requester(req, res))));
        }
        routes.clientV3(Method.GET, RULE, this::getRule);
        routes.clientV3(Method.PUT, RULE, this::putRule);
        routes.clientV3(Method.DELETE, RULE, this::deleteRule);
        routes.clientV3(Method.GET, RULE + "/enabled", (req, res) -> getField(req, res, "enabled"));
        routes.clientV3(Method.GET, RULE + "/actions", (req, res) -> getField(req, res, "actions"));
        routes.clientV3(Method.PUT, RULE + "/enabled", (req, res) -> setField(req, res, "enabled"));
        routes.clientV3(Method.PUT, RULE + "/actions", (req, res) -> setField(req, res, "actions"));
    }

    private JsonObject ruleset(Requester who) {
        return PushRules.ruleset(store.get(who.userId()).orElse(JsonValue.EMPTY_JSON_OBJECT), who.userId());
    }

    private JsonObject rule(ServerRequest req, Requester who) {
        checkScope(req);
        return PushRules.find(ruleset(who), kind(req), ruleId(req))
                .orElseThrow(() -> MatrixException.notFound("The push rule was not found."));
    }

    private void getRule(ServerRequest req, ServerResponse res) {
        Json.ok(res, rule(req, guard.requester(req, res)));
    }

    private void getField(ServerRequest req, ServerResponse res, String field) {
        JsonObject rule = rule(req, guard.requester(req, res));
        Json.ok(res, Json.object().add(field, rule.get(field)).build());
    }

    private void putRule(ServerRequest req, ServerResponse res) {
        Requester who = guard.requester(req, res);
        checkScope(req);
        JsonObject body = Json.readObject(req);
        String before = req.query().first("before").orElse(null);
        String after = req.query().first("after").orElse(null);
        store.update(who.userId(), changes -> PushRules.put(changes, kind(req), ruleId(req), body, before, after));
        changed(who, res);
    }

    private void deleteRule(ServerRequest req, ServerResponse res) {
        Requester who = guard.requester(req, res);
        checkScope(req);
        store.update(who.userId(), changes -> PushRules.delete(changes, kind(req), ruleId(req)));
        changed(who, res);
    }

    private void setField(ServerRequest req, ServerResponse res, String field) {
        Requester who = guard.requester(req, res);
        checkScope(req);
        JsonObject body = Json.readObject(req);
        JsonValue value;
        if (field.equals("enabled")) {
            value = body.get("enabled");
            if (value != JsonValue.TRUE && value != JsonValue.FALSE) {
                throw MatrixException.badJson("'enabled' must be true or false.");
            }
        } else {
            value = PushRules.actions(body.get("actions"));
        }
        store.update(who.userId(), changes -> PushRules.set(changes, who.userId(), kind(req), ruleId(req), field,
                value));
        changed(who, res);
    }

    private void changed(Requester who, ServerResponse res) {
        events.changed(who.userId(), "", "m.push_rules");
        Json.ok(res, Json.empty());
    }

    private static void checkScope(ServerRequest req) {
        if (!"global".equals(req.path().pathParameters().get("scope"))) {
            throw MatrixException.invalidParam("The only push rule scope is 'global'.");
        }
    }

    private static String kind(ServerRequest req) {
        return req.path().pathParameters().get("kind");
    }

    private static String ruleId(ServerRequest req) {
        return req.path().pathParameters().get("ruleId");
    }
}
