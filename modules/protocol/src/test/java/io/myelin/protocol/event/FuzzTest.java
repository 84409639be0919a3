package io.myelin.protocol.event;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.json.CanonicalJson;
import io.myelin.protocol.json.JsonParser;
import io.myelin.protocol.json.JsonSupport;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutation fuzzing of the parser and the event validator with a fixed seed: every mutated input must end
 * in a value, a {@link ProtocolException} or a {@link PduCheck}, never another exception or a hang.
 */
class FuzzTest {

    private static final long SEED = 0x6d79656c696eL;
    private static final String[] FRAGMENTS = {"{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800",
        "\\udc00", "1e999999999", "-0", "9".repeat(600), "null", "tru", "\u0000", "\"a\":1", "[[[[[[[[", "]]]]",
        "\u00e9", "\uD83D\uDE00"};

    private static byte[] mutate(byte[] input, Random random) {
        List<Byte> bytes = new ArrayList<>(input.length + 16);
        for (byte b : input) {
            bytes.add(b);
        }
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = bytes.isEmpty() ? 0 : random.nextInt(bytes.size());
            switch (random.nextInt(6)) {
                case 0 -> {
                    if (!bytes.isEmpty()) {
                        bytes.set(at, (byte) random.nextInt(256));
                    }
                }
                case 1 -> {
                    if (!bytes.isEmpty()) {
                        bytes.remove(at);
                    }
                }
                case 2 -> bytes.add(at, (byte) random.nextInt(256));
                case 3 -> {
                    byte[] fragment = FRAGMENTS[random.nextInt(FRAGMENTS.length)].getBytes(StandardCharsets.UTF_8);
                    for (int i = fragment.length - 1; i >= 0; i--) {
                        bytes.add(at, fragment[i]);
                    }
                }
                case 4 -> {
                    while (bytes.size() > at) {
                        bytes.removeLast();
                    }
                }
                default -> {
                    int end = Math.min(bytes.size(), at + 1 + random.nextInt(32));
                    bytes.addAll(at, new ArrayList<>(bytes.subList(at, end)));
                }
            }
        }
        byte[] out = new byte[bytes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.get(i);
        }
        return out;
    }

    private static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (RoomVersion version : new RoomVersion[] {RoomVersion.V1, RoomVersion.V10, RoomVersion.V12}) {
            seeds.add(CanonicalJson.encode(PduValidatorTest.message(version)));
        }
        seeds.add("{\"a\":[1,2,{\"b\":\"\\u00e9\\ud83d\\ude00\"}],\"c\":-0,\"d\":1.5e3,\"e\":null}"
                .getBytes(StandardCharsets.UTF_8));
        return seeds;
    }

    @Test
    void mutatedJsonEndsInAValueOrAProtocolException() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Random random = new Random(SEED);
            List<byte[]> seeds = seeds();
            int parsed = 0;
            int refused = 0;
            for (int i = 0; i < 20_000; i++) {
                byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), random);
                try {
                    JsonValue value = JsonParser.create().parse(input);
                    parsed++;
                    try {
                        CanonicalJson.encode(value, random.nextBoolean());
                    } catch (ProtocolException e) {
                        assertNotNull(e.getMessage());
                    }
                } catch (ProtocolException e) {
                    assertNotNull(e.getMessage());
                    refused++;
                }
            }
            assertTrue(parsed > 100 && refused > 100, parsed + " parsed, " + refused + " refused");
        });
    }

    @Test
    void mutatedEventsEndInAVerdict() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            Random random = new Random(SEED + 1);
            List<byte[]> seeds = seeds().subList(0, 3);
            RoomVersion[] versions = RoomVersion.values();
            int checked = 0;
            for (int i = 0; i < 5_000; i++) {
                JsonObject event;
                try {
                    event = JsonParser.create().parseObject(mutate(seeds.get(random.nextInt(3)), random));
                } catch (ProtocolException e) {
                    continue;
                }
                PduCheck check = PduValidator.check(versions[random.nextInt(versions.length)], event,
                        PduValidatorTest.keys(Long.MAX_VALUE));
                assertNotNull(check.outcome());
                checked++;
            }
            assertTrue(checked > 500, "events checked: " + checked);
        });
    }

    @Test
    void eventsWithFieldsOfEveryWrongTypeEndInAVerdict() {
        JsonValue[] wrong = {JsonValue.NULL, JsonValue.TRUE, JsonSupport.number(-1), JsonSupport.number(1L << 62),
            JsonSupport.string(""), JsonSupport.string("\uD83D\uDE00:x"), JsonValue.EMPTY_JSON_ARRAY,
            JsonValue.EMPTY_JSON_OBJECT, JsonSupport.arrayBuilder().add(JsonValue.NULL).build(),
            JsonSupport.provider().createValue(new java.math.BigDecimal("1e999999999"))};
        for (RoomVersion version : RoomVersion.values()) {
            JsonObject event = PduValidatorTest.message(version);
            for (String field : event.keySet()) {
                for (JsonValue value : wrong) {
                    JsonObject bad = JsonSupport.objectBuilder(event).add(field, value).build();
                    assertNotNull(PduValidator.check(version, bad, PduValidatorTest.keys(Long.MAX_VALUE)).outcome());
                }
            }
        }
    }
}
