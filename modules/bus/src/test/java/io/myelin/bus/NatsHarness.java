package io.myelin.bus;

import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.myelin.bus.dispatch.ManagedBus;
import io.myelin.bus.nats.NatsBus;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;

/**
 * NATS JetStream with a fresh stream prefix per run; its streams are deleted afterwards.
 */
final class NatsHarness implements BusHarness {

    private final String url;
    private final String prefix;
    private final boolean owner;

    NatsHarness(String url, String prefix, boolean owner) {
        this.url = url;
        this.prefix = prefix;
        this.owner = owner;
    }

    static NatsHarness fresh() {
        String prefix = "MyelinTest" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        return new NatsHarness(Backends.natsUrl(), prefix, true);
    }

    @Override
    public BusSettings settings() {
        return BusHarness.testSettings(prefix, List.of(url));
    }

    @Override
    public ManagedBus open(BusSettings settings) {
        return NatsBus.connect(settings);
    }

    @Override
    public List<String> args() {
        return List.of("nats", url, prefix);
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
        }
    }
}
