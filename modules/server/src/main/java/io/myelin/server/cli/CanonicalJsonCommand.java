package io.myelin.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.json.CanonicalJson;
import io.myelin.protocol.json.JsonParser;

/**
 * {@code myelin canonical-json [--strict]}: JSON on standard input, its canonical bytes (appendix
 * "Canonical JSON") on standard output, with no trailing newline. {@code --strict} applies room
 * version 6+ rules: no floats, integers within [-(2^53)+1, 2^53-1].
 */
public final class CanonicalJsonCommand implements Command {

    @Override
    public String name() {
        return "canonical-json";
    }

    @Override
    public String summary() {
        return "print the canonical JSON of JSON on stdin [--strict]";
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        boolean strict = false;
        for (String arg : args) {
            if (arg.equals("--strict")) {
                strict = true;
            } else {
                err.println("usage: myelin canonical-json [--strict] < FILE");
                return USAGE;
            }
        }
        try {
            byte[] canonical = CanonicalJson.encode(JsonParser.create().parse(in.readAllBytes()), strict);
            out.write(canonical);
            out.flush();
            return OK;
        } catch (ProtocolException e) {
            err.println("myelin canonical-json: " + e.getMessage());
            return FAILURE;
        } catch (IOException e) {
            err.println("myelin canonical-json: cannot read standard input: " + e.getMessage());
            return FAILURE;
        }
    }
}
