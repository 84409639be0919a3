package io.myelin.sync.devices;

import java.util.LinkedHashMap;
import java.util.Map;

import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.Authentication;
import io.myelin.api.users.Requester;
import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.id.UserId;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.sync.stream.SyncToken;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * {@code PUT /sendToDevice/{eventType}/{txnId}} and {@code GET /keys/changes}.
 */
final class DeviceRoutes {

    private final AccessTokens tokens;
    private final ToDeviceSource toDevice;
    private final DeviceListSource deviceLists;

    DeviceRoutes(AccessTokens tokens, ToDeviceSource toDevice, DeviceListSource deviceLists) {
        this.tokens = tokens;
        this.toDevice = toDevice;
        this.deviceLists = deviceLists;
    }

    void register(Routes routes) {
        routes.clientV3(Method.PUT, "/sendToDevice/{eventType}/{txnId}", this::sendToDevice);
        routes.clientV3(Method.GET, "/keys/changes", this::keyChanges);
    }

    private void sendToDevice(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String type = req.path().pathParameters().get("eventType");
        String txnId = req.path().pathParameters().get("txnId");
        JsonObject body = Json.readObject(req);
        if (!body.containsKey("messages")) {
            throw MatrixException.missingParam("'messages' is required.");
        }
        if (!(body.get("messages") instanceof JsonObject messages)) {
            throw MatrixException.badJson("'messages' must be an object.");
        }
        Map<String, Map<String, JsonObject>> checked = new LinkedHashMap<>();
        messages.forEach((userId, devices) -> {
            try {
                UserId.parse(userId);
            } catch (ProtocolException e) {
                throw MatrixException.invalidParam("Invalid user id in 'messages': " + userId);
            }
            if (!(devices instanceof JsonObject byDevice)) {
                throw MatrixException.badJson("'messages' must map user ids to objects of device ids.");
            }
            Map<String, JsonObject> contents = new LinkedHashMap<>();
            byDevice.forEach((deviceId, content) -> {
                if (content.getValueType() != JsonValue.ValueType.OBJECT) {
                    throw MatrixException.badJson("Each message content must be an object.");
                }
                contents.put(deviceId, content.asJsonObject());
            });
            checked.put(userId, contents);
        });
        toDevice.send(who.userId(), who.deviceId(), txnId, type, checked);
        Json.ok(res, Json.empty());
    }

    private void keyChanges(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        long from = position(req, "from");
        long to = Math.min(position(req, "to"), deviceLists.position());
        DeviceListSource.Changes changes = deviceLists.changes(who.userId(), from, to);
        JsonArrayBuilder changed = JsonSupport.arrayBuilder();
        changes.changed().forEach(changed::add);
        JsonArrayBuilder left = JsonSupport.arrayBuilder();
        changes.left().forEach(left::add);
        Json.ok(res, Json.object().add("changed", changed).add("left", left).build());
    }

    private static long position(ServerRequest req, String name) {
        String token = req.query().first(name)
                .orElseThrow(() -> MatrixException.missingParam("Missing query parameter '" + name + "'."));
        try {
            return SyncToken.parse(token).position(SyncToken.DEVICE_LISTS);
        } catch (IllegalArgumentException e) {
            throw MatrixException.invalidParam("'" + name + "' is not a sync token of this server.");
        }
    }
}
