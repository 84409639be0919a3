package io.myelin.server.users;

import static io.myelin.server.users.AccountsTestBase.name;
import static io.myelin.server.users.AccountsTestBase.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Streams;
import io.myelin.api.http.MatrixException;
import io.myelin.api.keys.DeviceListChange;
import io.myelin.api.users.AccountDataEntry;
import io.myelin.api.users.AccountDataRequest;
import io.myelin.api.users.DevicesRequest;
import io.myelin.api.users.FilterRequest;
import io.myelin.api.users.PutAccountDataRequest;
import io.myelin.api.users.UiaRequest;
import io.myelin.api.users.UiaResponse;
import io.myelin.api.users.UserData;
import io.myelin.api.users.UserRequest;
import io.myelin.server.users.UsersServer.Backend;
import io.myelin.server.users.UsersServer.Reply;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@link UserData} service other components use, read and written beside the client endpoints of a real
 * server, and the device-list changes the users component announces.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqliteUserDataTest {

    private final LinkedBlockingQueue<DeviceListChange> changes = new LinkedBlockingQueue<>();
    private UserData userData;
    private UsersServer server;
    private String name;
    private String userId;
    private String token;

    /** Takes the service from the context, as a component that needs it does, and watches the key stream. */
    private final class Probe implements Component {
        @Override
        public String name() {
            return "userdata-probe";
        }

        @Override
        public Set<Class<?>> needs() {
            return Set.of(UserData.class, Bus.class);
        }

        @Override
        public void start(ComponentContext context) {
            userData = context.require(UserData.class);
            context.bus().subscribe(Streams.OUTPUT_KEY_CHANGE_EVENT, "userdata-probe", message -> {
                changes.add(DeviceListChange.fromBytes(message.payload()));
                message.ack();
            });
        }
    }

    @BeforeAll
    void start() throws Exception {
        server = UsersServer.start(Files.createTempDirectory("myelin-userdata-"), Backend.SQLITE,
                AccountsTestBase.CONFIG, List.of(new Probe()));
        name = name();
        userId = "@" + name + ":test.local";
        token = register(server, name, "pw").string("access_token");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void accountDataWrittenOverHttpIsReadThroughTheServiceAndBack() throws Exception {
        String path = "/_matrix/client/v3/user/%40" + name + "%3Atest.local";
        assertEquals(200, server.call("PUT", path + "/account_data/org.example.a", token, "{\"n\":1}").status());
        assertEquals(200, server.call("PUT", path + "/rooms/%21r%3Atest.local/account_data/org.example.b", token,
                "{\"n\":2}").status());

        List<AccountDataEntry> all = userData.accountData(new AccountDataRequest(userId, null, null)).entries();
        assertTrue(all.contains(new AccountDataEntry("", "org.example.a", json("{\"n\":1}"))), all.toString());
        assertTrue(all.contains(new AccountDataEntry("!r:test.local", "org.example.b", json("{\"n\":2}"))));
        assertEquals(List.of(new AccountDataEntry("", "org.example.a", json("{\"n\":1}"))),
                userData.accountData(new AccountDataRequest(userId, "", null)).entries());
        assertEquals(1, userData.accountData(new AccountDataRequest(userId, "!r:test.local", "org.example.b"))
                .entries().size());
        assertTrue(userData.accountData(new AccountDataRequest(userId, "", "org.example.none")).entries().isEmpty());

        userData.putAccountData(new PutAccountDataRequest(userId, "!r:test.local", "m.fully_read",
                json("{\"event_id\":\"$e\"}")));
        Reply read = server.get(path + "/rooms/%21r%3Atest.local/account_data/m.fully_read", token);
        assertEquals("$e", read.string("event_id"));
    }

    @Test
    void filtersAndPushRulesAreThoseTheClientSees() throws Exception {
        String filterId = server.post("/_matrix/client/v3/user/%40" + name + "%3Atest.local/filter", token,
                "{\"room\":{\"timeline\":{\"limit\":7}}}").string("filter_id");
        JsonObject filter = userData.filter(new FilterRequest(userId, filterId)).filter();
        assertEquals(7, filter.getJsonObject("room").getJsonObject("timeline").getInt("limit"));
        assertNull(userData.filter(new FilterRequest(userId, "9999")).filter());
        assertNull(userData.filter(new FilterRequest(userId, "not-a-number")).filter());
        assertNull(userData.filter(new FilterRequest("@someone:test.local", filterId)).filter());

        JsonObject rules = userData.pushRules(new UserRequest(userId)).rules();
        assertEquals(server.get("/_matrix/client/v3/pushrules/", token).json(), rules);
    }

    @Test
    void devicesAreListedAndTheirDeletionAndRenamingAnnounced() throws Exception {
        Reply login = server.post("/_matrix/client/v3/login", null, """
                {"type":"m.login.password","identifier":{"type":"m.id.user","user":"%s"},"password":"pw",
                 "device_id":"SECOND","initial_device_display_name":"Phone"}""".formatted(name));
        assertEquals(200, login.status(), login.raw().body());
        var devices = userData.devices(new DevicesRequest(List.of(userId, "@nobody:test.local"))).devices();
        assertEquals(Set.of(userId), devices.keySet());
        assertTrue(devices.get(userId).stream().anyMatch(d -> d.deviceId().equals("SECOND")
                && "Phone".equals(d.displayName())));

        assertEquals(200, server.call("PUT", "/_matrix/client/v3/devices/SECOND", token,
                "{\"display_name\":\"Tablet\"}").status());
        assertEquals(new DeviceListChange(userId, "SECOND", DeviceListChange.DEVICE_UPDATED), next());

        String auth = "{\"auth\":{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\""
                + name + "\"},\"password\":\"pw\"}}";
        assertEquals(200, server.call("DELETE", "/_matrix/client/v3/devices/SECOND", token, auth).status());
        assertEquals(new DeviceListChange(userId, "SECOND", DeviceListChange.DEVICE_DELETED), next());
        assertFalse(userData.devices(new DevicesRequest(List.of(userId))).devices().get(userId).stream()
                .anyMatch(d -> d.deviceId().equals("SECOND")));
    }

    @Test
    void userInteractiveAuthNeedsTheUsersOwnPasswordAndKeepsSessionsToTheirPurpose() {
        UiaResponse first = userData.authenticate(new UiaRequest(userId, "device_signing_upload", json("{}")));
        assertFalse(first.complete());
        String session = first.challenge().getString("session");
        assertEquals("m.login.password", first.challenge().getJsonArray("flows").getJsonObject(0)
                .getJsonArray("stages").getString(0));

        UiaResponse wrong = userData.authenticate(new UiaRequest(userId, "device_signing_upload",
                auth(session, "wrong")));
        assertFalse(wrong.complete());
        assertEquals("M_FORBIDDEN", wrong.challenge().getString("errcode"));

        assertThrows(MatrixException.class, () -> userData.authenticate(new UiaRequest(userId, "other_purpose",
                auth(session, "pw"))));
        assertTrue(userData.authenticate(new UiaRequest(userId, "device_signing_upload", auth(session, "pw")))
                .complete());
        assertThrows(MatrixException.class, () -> userData.authenticate(new UiaRequest(userId,
                "device_signing_upload", auth(session, "pw"))), "a finished session is used once");
    }

    private JsonObject auth(String session, String password) {
        return json("{\"auth\":{\"type\":\"m.login.password\",\"session\":\"" + session
                + "\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"" + name + "\"},\"password\":\"" + password
                + "\"}}");
    }

    private DeviceListChange next() throws InterruptedException {
        DeviceListChange change = changes.poll(10, TimeUnit.SECONDS);
        assertTrue(change != null, "no device list change within 10 s");
        return change;
    }

    private static JsonObject json(String text) {
        return Json.createReader(new java.io.StringReader(text)).readObject();
    }

}
