package io.myelin.bench.protocol;

import java.util.concurrent.TimeUnit;

import jakarta.json.JsonObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.myelin.protocol.event.EventHashes;
import io.myelin.protocol.event.EventIds;
import io.myelin.protocol.json.CanonicalJson;
import io.myelin.protocol.json.JsonParser;

/** Canonical JSON, parsing and hashing of a typical 1 KB event. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CanonicalJsonBenchmark {

    private JsonObject event;
    private byte[] eventBytes;

    /** Builds the sample event. */
    @Setup
    public void setUp() {
        event = SampleEvent.signed();
        eventBytes = CanonicalJson.encodeStrict(event);
        if (eventBytes.length < 900 || eventBytes.length > 1300) {
            throw new IllegalStateException("sample event is " + eventBytes.length + " bytes");
        }
    }

    /** @return the canonical bytes */
    @Benchmark
    public byte[] canonicalEncode() {
        return CanonicalJson.encodeStrict(event);
    }

    /** @return the parsed event */
    @Benchmark
    public Object strictParse() {
        return JsonParser.create().parse(eventBytes);
    }

    /** @return the content hash */
    @Benchmark
    public byte[] contentHash() {
        return EventHashes.contentHash(event, SampleEvent.VERSION);
    }

    /** @return the reference hash (redaction, canonical JSON, SHA-256) */
    @Benchmark
    public byte[] referenceHash() {
        return EventHashes.referenceHash(event, SampleEvent.VERSION);
    }

    /** @return the event id */
    @Benchmark
    public String eventId() {
        return EventIds.eventId(event, SampleEvent.VERSION);
    }
}
