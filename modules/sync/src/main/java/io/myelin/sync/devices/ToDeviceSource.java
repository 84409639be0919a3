package io.myelin.sync.devices;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Streams;
import io.myelin.api.users.DeviceInfo;
import io.myelin.api.users.DevicesRequest;
import io.myelin.api.users.UserData;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.sync.stream.Notifier;
import io.myelin.sync.stream.SyncQuery;
import io.myelin.sync.stream.SyncResult;
import io.myelin.sync.stream.SyncSource;
import io.myelin.sync.stream.SyncToken;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Send-to-device messaging (client-server API, "Send-to-Device messaging"): stores what
 * {@code PUT /sendToDevice} sends to local devices, delivers it in {@code /sync}'s {@code to_device}, and
 * deletes it once the device acknowledges it.
 *
 * <p>Messages for users of other servers are published on {@link Streams#OUTPUT_SEND_TO_DEVICE_EVENT}, one
 * message per destination server with the server name as subject and, as payload, the content of the
 * federation EDU {@code m.direct_to_device}: {@code {"sender", "type", "message_id", "messages": {user id:
 * {device id or "*": content}}}}. The {@code message_id} is the same for every retry of one transaction.
 */
public final class ToDeviceSource implements SyncSource {

    /** The most messages one {@code /sync} response carries. */
    static final int LIMIT = 100;
    private static final String ALL_DEVICES = "*";

    private final ToDeviceStore store;
    private final StreamCounter counter;
    private final UserData users;
    private final Bus bus;
    private final Notifier notifier;
    private final String serverName;

    ToDeviceSource(ToDeviceStore store, StreamCounter counter, UserData users, Bus bus, Notifier notifier,
                   String serverName) {
        this.store = store;
        this.counter = counter;
        this.users = users;
        this.bus = bus;
        this.notifier = notifier;
        this.serverName = serverName;
    }

    @Override
    public String key() {
        return SyncToken.TO_DEVICE;
    }

    @Override
    public long position() {
        return counter.position();
    }

    /**
     * Delivers the device's messages after {@code since}, at most {@link #LIMIT}; when more remain, the
     * response's token stops at the last one delivered ({@link SyncResult#holdBack}), so that the client comes
     * back for the rest and acknowledges only what it got. A {@code since} acknowledges every message up to it.
     */
    @Override
    public void collect(SyncQuery query, long since, long upTo, SyncResult result) {
        if (query.deviceId() == null) {
            return;
        }
        if (since > 0) {
            // A token from beyond the position read (a restored database) acknowledges nothing not yet read.
            store.acknowledge(query.userId(), query.deviceId(), Math.min(since, upTo));
        }
        List<ToDeviceStore.Stored> messages = store.pending(query.userId(), query.deviceId(), since, upTo,
                LIMIT + 1);
        int count = Math.min(LIMIT, messages.size());
        for (int i = 0; i < count; i++) {
            ToDeviceStore.Stored m = messages.get(i);
            result.toDevice(JsonSupport.objectBuilder().add("sender", m.sender()).add("type", m.type())
                    .add("content", m.content()).build());
        }
        if (messages.size() > LIMIT) {
            result.holdBack(SyncToken.TO_DEVICE, messages.get(LIMIT - 1).pos());
        }
    }

    /**
     * Sends one {@code PUT /sendToDevice} request's messages, once per transaction id and event type.
     *
     * @param sender       the sending user
     * @param senderDevice the sending device
     * @param txnId        the transaction id
     * @param type         the event type
     * @param messages     the checked {@code messages} object: user id to device id (or {@code *}) to content
     */
    void send(String sender, String senderDevice, String txnId, String type,
              Map<String, Map<String, JsonObject>> messages) {
        List<String> local = new ArrayList<>();
        Map<String, JsonObjectBuilder> remote = new LinkedHashMap<>();
        messages.forEach((userId, devices) -> {
            String server = userId.substring(userId.indexOf(':') + 1);
            if (server.equals(serverName)) {
                local.add(userId);
            } else {
                JsonObjectBuilder byDevice = JsonSupport.objectBuilder();
                devices.forEach(byDevice::add);
                remote.computeIfAbsent(server, s -> JsonSupport.objectBuilder()).add(userId, byDevice);
            }
        });

        // Only devices that exist get a message: an inbox of a device that never syncs would never empty.
        Map<String, List<DeviceInfo>> known = local.isEmpty() ? Map.of()
                : users.devices(new DevicesRequest(local)).devices();
        List<ToDeviceStore.Delivery> deliveries = new ArrayList<>();
        Set<String> recipients = new LinkedHashSet<>();
        for (String userId : local) {
            Map<String, JsonObject> devices = messages.get(userId);
            JsonObject toAll = devices.get(ALL_DEVICES);
            for (DeviceInfo device : known.getOrDefault(userId, List.of())) {
                JsonObject content = devices.getOrDefault(device.deviceId(), toAll);
                if (content != null) {
                    deliveries.add(new ToDeviceStore.Delivery(userId, device.deviceId(), content));
                    recipients.add(userId);
                }
            }
        }

        // The remote server drops a message id it has seen: like the transaction id, it is per event type.
        String messageId = senderDevice + "/" + type + "/" + txnId;
        boolean fresh = store.send(sender, senderDevice, txnId, type, deliveries, tx -> remote.forEach(
                (server, byUser) -> bus.publish(Streams.OUTPUT_SEND_TO_DEVICE_EVENT, server,
                        JsonSupport.objectBuilder().add("sender", sender).add("type", type)
                                .add("message_id", messageId).add("messages", byUser).build().toString()
                                .getBytes(StandardCharsets.UTF_8))));
        if (fresh) {
            notifier.wake(recipients);
        }
    }
}
