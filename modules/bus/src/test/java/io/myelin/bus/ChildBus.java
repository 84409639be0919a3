package io.myelin.bus;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.myelin.bus.dispatch.ManagedBus;

/**
 * Run in a child JVM by the process-kill test: subscribes, publishes, acknowledges the messages below a
 * bound and holds the others unacknowledged, reporting each step on standard output until it is killed.
 *
 * <p>Arguments: stream, durable, message count, acknowledge-below bound, then the harness arguments.
 */
public final class ChildBus {

    private ChildBus() {
    }

    /**
     * Runs until killed.
     *
     * @param args the arguments
     * @throws InterruptedException never in practice
     */
    public static void main(String[] args) throws InterruptedException {
        String stream = args[0];
        String durable = args[1];
        int count = Integer.parseInt(args[2]);
        int ackBelow = Integer.parseInt(args[3]);
        List<String> harnessArgs = Arrays.asList(args).subList(4, args.length);
        PrintStream out = System.out;

        BusHarness harness = BusHarness.fromArgs(harnessArgs);
        ManagedBus bus = harness.open(harness.settings());
        bus.subscribe(stream, durable, m -> {
            int value = Integer.parseInt(new String(m.payload(), StandardCharsets.UTF_8));
            if (value < ackBelow) {
                m.ack();
                report(out, "ACKED " + value);
            } else {
                report(out, "HELD " + value);
            }
        });
        for (int i = 0; i < count; i++) {
            bus.publish(stream, "!room:example.org", String.valueOf(i).getBytes(StandardCharsets.UTF_8));
        }
        report(out, "PUBLISHED");
        new CountDownLatch(1).await();
    }

    private static void report(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
