package io.myelin.bench.protocol;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Signature operations per second of this thread's CPU time, rather than of wall-clock time: on a machine
 * shared with other work (where JMH's wall-clock throughput swings widely) this is the figure that stays
 * comparable between implementations and with bench/scripts/nacl_verify_rate.py, which measures the same
 * way. Implementations are measured in interleaved rounds and the median round is reported.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.myelin.bench.protocol.CpuTimeRates [cpu-seconds]}
 */
public final class CpuTimeRates {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuTimeRates() {
    }

    /**
     * Measures and prints the rates.
     *
     * @param args optional CPU seconds per round and implementation (default 3)
     * @throws GeneralSecurityException if the JDK lacks Ed25519
     */
    public static void main(String[] args) throws GeneralSecurityException {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3.0;
        Ed25519Benchmark b = new Ed25519Benchmark();
        b.setUp();
        CanonicalJsonBenchmark c = new CanonicalJsonBenchmark();
        c.setUp();
        Map<String, BooleanSupplier> verifiers = new LinkedHashMap<>();
        verifiers.put("canonical JSON encode (1 KB event)", () -> c.canonicalEncode().length > 0);
        verifiers.put("strict parse (1 KB event)", () -> c.strictParse() != null);
        verifiers.put("content hash", () -> c.contentHash().length == 32);
        verifiers.put("reference hash", () -> c.referenceHash().length == 32);
        verifiers.put("event id (v10)", () -> c.eventId().length() == 44);
        verifiers.put("jdk verify", () -> {
            try {
                return b.jdkVerify();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
        verifiers.put("bouncycastle verify (Ed25519Signer)", b::bcVerifySigner);
        verifiers.put("bouncycastle verify (key parameters)", b::bcVerifyDirect);
        verifiers.put("myelin VerifyKey.verify", b::myelinVerify);
        verifiers.put("myelin sign", () -> b.myelinSign().length == 64);
        verifiers.put("jdk sign", () -> {
            try {
                return b.jdkSign().length == 64;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
        verifiers.put("myelin event signature check", () -> {
            b.eventSignatureCheck();
            return true;
        });

        // Warm up every implementation so the JIT has compiled them before any round counts.
        verifiers.values().forEach(v -> rate(v, 2.0));
        Map<String, List<Double>> rounds = new LinkedHashMap<>();
        for (int round = 0; round < 3; round++) {
            verifiers.forEach((name, v) -> rounds.computeIfAbsent(name, k -> new ArrayList<>()).add(rate(v, seconds)));
        }
        rounds.forEach((name, rates) -> {
            double[] sorted = rates.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "%-40s %9.0f ops per CPU-second (rounds: %s)%n", name, sorted[1],
                    Arrays.toString(rates.stream().mapToLong(Math::round).toArray()));
        });
    }

    private static double rate(BooleanSupplier op, double cpuSeconds) {
        long start = THREADS.getCurrentThreadCpuTime();
        long budget = (long) (cpuSeconds * 1e9);
        long done = 0;
        long used;
        do {
            for (int i = 0; i < 100; i++) {
                if (!op.getAsBoolean()) {
                    throw new IllegalStateException("operation failed");
                }
            }
            done += 100;
            used = THREADS.getCurrentThreadCpuTime() - start;
        } while (used < budget);
        return done / (used / 1e9);
    }
}
