package io.myelin.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.crypto.JsonSignatures;
import io.myelin.protocol.crypto.SigningKey;
import io.myelin.protocol.json.CanonicalJson;
import io.myelin.protocol.json.JsonParser;

import jakarta.json.JsonObject;

/**
 * {@code myelin sign-json --key FILE --server NAME [--strict]}: signs the JSON object on standard input
 * as the appendix's "Signing JSON" says (canonical JSON without {@code signatures} and {@code unsigned},
 * signature added under {@code signatures[NAME][ed25519:version]}) and prints it as canonical JSON.
 */
public final class SignJsonCommand implements Command {

    private static final String USAGE_LINE = "usage: myelin sign-json --key FILE --server NAME [--strict] < FILE";

    @Override
    public String name() {
        return "sign-json";
    }

    @Override
    public String summary() {
        return "sign the JSON object on stdin --key FILE --server NAME [--strict]";
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        Path keyFile = null;
        String server = null;
        boolean strict = false;
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String arg = rest.removeFirst();
            switch (arg) {
                case "--key" -> keyFile = rest.isEmpty() ? null : Path.of(rest.removeFirst());
                case "--server" -> server = rest.isEmpty() ? null : rest.removeFirst();
                case "--strict" -> strict = true;
                default -> {
                    err.println(USAGE_LINE);
                    return USAGE;
                }
            }
        }
        if (keyFile == null || server == null) {
            err.println(USAGE_LINE);
            return USAGE;
        }
        SigningKey key;
        try {
            key = SigningKey.parseFile(Files.readString(keyFile)).getFirst();
        } catch (IOException e) {
            err.println("myelin sign-json: cannot read " + keyFile + ": " + e.getMessage());
            return FAILURE;
        } catch (ProtocolException e) {
            err.println("myelin sign-json: " + keyFile + ": " + e.getMessage());
            return FAILURE;
        }
        try {
            JsonObject object = JsonParser.create().parseObject(in.readAllBytes());
            JsonObject signed = JsonSignatures.sign(object, server, key, strict);
            out.write(CanonicalJson.encode(signed, strict));
            out.println();
            out.flush();
            return OK;
        } catch (ProtocolException e) {
            err.println("myelin sign-json: " + e.getMessage());
            return FAILURE;
        } catch (IOException e) {
            err.println("myelin sign-json: cannot read standard input: " + e.getMessage());
            return FAILURE;
        }
    }
}
