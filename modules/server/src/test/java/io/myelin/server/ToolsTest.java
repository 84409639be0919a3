package io.myelin.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import io.myelin.protocol.crypto.SigningKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator tools, run through the command line as an operator would.
 */
class ToolsTest {

    /** The signing key of the spec appendix's "Signing JSON" examples. */
    static final String APPENDIX_KEY = "ed25519 1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1\n";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        return Main.run(List.of(args), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of());
    }

    @Test
    void canonicalJsonSortsKeysAndDropsWhitespace() {
        assertEquals(0, run("{\n  \"b\": \"2\",\n  \"a\": \"1\", \"c\": {\"\u65e5\": 1, \"\u00e9\": [1, 2.5]}\n}",
                "canonical-json"));
        assertEquals("{\"a\":\"1\",\"b\":\"2\",\"c\":{\"\u00e9\":[1,2.5],\"\u65e5\":1}}",
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void strictCanonicalJsonRefusesFloats() {
        assertEquals(1, run("{\"a\": 2.5}", "canonical-json", "--strict"));
        assertTrue(err.size() > 0);
    }

    @Test
    void canonicalJsonRefusesWhatIsNotJson() {
        assertEquals(1, run("{\"a\": ", "canonical-json"));
        assertEquals(2, run("{}", "canonical-json", "--bogus"));
    }

    @Test
    void signJsonMatchesTheSpecExamples() throws Exception {
        Path key = dir.resolve("appendix.key");
        Files.writeString(key, APPENDIX_KEY);
        assertEquals(0, run("{}", "sign-json", "--key", key.toString(), "--server", "domain"), err.toString());
        assertEquals("{\"signatures\":{\"domain\":{\"ed25519:1\":\"K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7G"
                + "eitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ\"}}}", out.toString().strip());
        out.reset();
        assertEquals(0, run("{\"one\": 1, \"two\": \"Two\"}", "sign-json", "--key", key.toString(), "--server",
                "domain"));
        assertTrue(out.toString().contains("KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6k"
                + "YdD13EIMJpvhJI+6Bw"), out.toString());
    }

    @Test
    void signJsonNeedsKeyAndServer() {
        assertEquals(2, run("{}", "sign-json", "--server", "domain"));
    }

    @Test
    void generatedKeysParseAndAreNeverOverwritten() throws Exception {
        assertEquals(0, run("", "generate-keys"));
        SigningKey printed = SigningKey.parse(out.toString().strip());
        assertTrue(printed.keyId().startsWith("ed25519:"));

        Path file = dir.resolve("new.key");
        assertEquals(0, run("", "generate-keys", "--output", file.toString(), "--key-version", "a_1"));
        assertEquals("ed25519:a_1", SigningKey.parseFile(Files.readString(file)).getFirst().keyId());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String before = Files.readString(file);
        assertEquals(1, run("", "generate-keys", "--output", file.toString()));
        assertEquals(before, Files.readString(file));
    }

    @Test
    void serverKeepsItsSigningKeyAcrossStarts() throws Exception {
        var first = ServerKeys.loadOrGenerate(dir);
        var second = ServerKeys.loadOrGenerate(dir);
        assertEquals(first.getFirst().format(), second.getFirst().format());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(ServerKeys.FILE))));
    }
}
