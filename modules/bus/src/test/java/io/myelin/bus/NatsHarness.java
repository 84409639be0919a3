package io.myelin.bus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.myelin.bus.dispatch.ManagedBus;
import io.myelin.bus.nats.NatsBus;
import io.myelin.testkit.TestServices;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;

/**
 * NATS JetStream with a fresh stream prefix per run, its streams deleted afterwards, and its outbox in a
 * database of an {@link EmbeddedHarness} (SQLite unless told otherwise).
 */
final class NatsHarness implements BusHarness {

    private final String url;
    private final String prefix;
    private final boolean owner;
    private final EmbeddedHarness storage;

    NatsHarness(String url, String prefix, boolean owner, EmbeddedHarness storage) {
        this.url = url;
        this.prefix = prefix;
        this.owner = owner;
        this.storage = storage;
    }

    static NatsHarness fresh() {
        return fresh(EmbeddedHarness.sqlite());
    }

    static NatsHarness fresh(EmbeddedHarness storage) {
        String prefix = "MyelinTest" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        return new NatsHarness(TestServices.natsUrl(), prefix, true, storage);
    }

    String url() {
        return url;
    }

    String prefix() {
        return prefix;
    }

    @Override
    public BusSettings settings() {
        return BusHarness.testSettings(prefix, List.of(url));
    }

    @Override
    public ManagedBus open(BusSettings settings) {
        return storage.openWith(database -> NatsBus.connect(database, settings));
    }

    @Override
    public List<String> args() {
        List<String> args = new ArrayList<>(List.of("nats", url, prefix));
        args.addAll(storage.args());
        return args;
    }

    @Override
    public void close() {
        if (!owner) {
            return;
        }
        try (Connection connection = Nats.connect(url)) {
            JetStreamManagement management = connection.jetStreamManagement();
            for (String name : management.getStreamNames()) {
                if (name.startsWith(prefix)) {
                    management.deleteStream(name);
                }
            }
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("cannot delete the test streams", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            storage.close();
        }
    }
}
