package io.myelin.protocol.json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.crypto.JsonSignatures;
import io.myelin.protocol.crypto.SigningKey;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compares the encoder and signer with Python's canonicaljson and signedjson on a generated corpus of
 * awkward JSON (see src/test/fixtures-gen/gen_canonical_corpus.py, which produced the expected bytes).
 */
class CanonicalCorpusTest {

    private static final SigningKey SPEC_KEY =
            SigningKey.parse("ed25519 1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1");

    record Case(int line, byte[] source, byte[] expected, String signature, boolean strict) {
    }

    static List<Case> corpus() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = CanonicalCorpusTest.class.getResourceAsStream("/fixtures/canonical-corpus.tsv")) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                String[] f = line.split("\t");
                cases.add(new Case(number, Base64.getDecoder().decode(f[0]), Base64.getDecoder().decode(f[1]),
                        f[2], f[3].equals("strict")));
            }
        }
        return cases;
    }

    @Test
    void encoderMatchesPythonCanonicaljsonOnTheWholeCorpus() throws IOException {
        List<Case> cases = corpus();
        assertTrue(cases.size() > 500);
        for (Case c : cases) {
            JsonValue value = JsonParser.create().parse(c.source());
            String where = "corpus line " + c.line();
            assertArrayEquals(c.expected(), CanonicalJson.encode(value), where);
            if (c.strict()) {
                assertArrayEquals(c.expected(), CanonicalJson.encodeStrict(value), where);
            } else {
                assertThrows(ProtocolException.class, () -> CanonicalJson.encodeStrict(value), where);
            }
            // Canonical output parses back to the same value and re-encodes to the same bytes.
            assertArrayEquals(c.expected(), CanonicalJson.encode(JsonParser.create().parse(c.expected())), where);
        }
    }

    @Test
    void signaturesMatchPythonSignedjsonOnTheCorpusObjects() throws IOException {
        int signed = 0;
        for (Case c : corpus()) {
            if (c.signature().equals("-")) {
                continue;
            }
            JsonObject object = JsonParser.create().parse(c.source()).asJsonObject();
            JsonObject ours = JsonSignatures.sign(object, "domain", SPEC_KEY, false);
            assertEquals(c.signature(), ours.getJsonObject("signatures").getJsonObject("domain")
                    .getString("ed25519:1"), "corpus line " + c.line());
            signed++;
        }
        assertTrue(signed > 200, "objects signed: " + signed);
    }
}
