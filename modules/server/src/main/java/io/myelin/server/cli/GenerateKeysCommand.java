package io.myelin.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.crypto.SigningKey;

/**
 * {@code myelin generate-keys [--output FILE] [--key-version V]}: makes a new Ed25519 signing key in the
 * key file format other homeservers share ({@code ed25519 <version> <seed>}), printed or written to a
 * new file readable by its owner only. An existing file is never overwritten.
 */
public final class GenerateKeysCommand implements Command {

    /** Key files are readable by their owner only, from the moment they exist. */
    private static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    @Override
    public String name() {
        return "generate-keys";
    }

    @Override
    public String summary() {
        return "make a signing key [--output FILE] [--key-version V]";
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        Path output = null;
        String version = null;
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String arg = rest.removeFirst();
            if ((arg.equals("--output") || arg.equals("--key-version")) && !rest.isEmpty()) {
                if (arg.equals("--output")) {
                    output = Path.of(rest.removeFirst());
                } else {
                    version = rest.removeFirst();
                }
            } else {
                err.println("usage: myelin generate-keys [--output FILE] [--key-version V]");
                return USAGE;
            }
        }
        SigningKey key;
        try {
            key = version == null ? SigningKey.generate() : SigningKey.generate(version);
        } catch (ProtocolException e) {
            err.println("myelin generate-keys: " + e.getMessage());
            return USAGE;
        }
        if (output == null) {
            out.print(key.format());
            out.flush();
            return OK;
        }
        try {
            Files.createFile(output, OWNER_ONLY);
            Files.writeString(output, key.format());
            err.println("wrote " + key.keyId() + " to " + output);
            return OK;
        } catch (FileAlreadyExistsException e) {
            err.println("myelin generate-keys: " + output + " exists; it is never overwritten");
            return FAILURE;
        } catch (IOException e) {
            err.println("myelin generate-keys: cannot write " + output + ": " + e.getMessage());
            return FAILURE;
        }
    }
}
