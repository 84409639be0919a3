package io.myelin.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.json.CanonicalJson;
import io.myelin.protocol.json.JsonParser;
import io.myelin.protocol.state.ResolveStateTool;

/**
 * {@code myelin resolve-state --room-version V --events EVENTS.json --state A.json --state B.json ...
 * [--explain]}: resolves state sets (each a JSON array of event ids) over events in the federation format
 * of the room version, and prints the resolved state as {@code {"<type>": {"<state_key>": "<event_id>"}}}
 * on one line. {@code --explain} then prints every ordering and auth decision, one per line.
 */
public final class ResolveStateCommand implements Command {

    private static final String USAGE_LINE = "usage: myelin resolve-state --room-version V --events FILE "
            + "--state FILE [--state FILE ...] [--explain]";

    @Override
    public String name() {
        return "resolve-state";
    }

    @Override
    public String summary() {
        return "resolve state sets --room-version V --events FILE --state FILE... [--explain]";
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        String versionId = null;
        Path events = null;
        List<Path> states = new ArrayList<>();
        boolean explain = false;
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String arg = rest.removeFirst();
            boolean hasValue = !rest.isEmpty();
            switch (arg) {
                case "--room-version" -> versionId = hasValue ? rest.removeFirst() : null;
                case "--events" -> events = hasValue ? Path.of(rest.removeFirst()) : null;
                case "--state" -> {
                    if (!hasValue) {
                        err.println(USAGE_LINE);
                        return USAGE;
                    }
                    states.add(Path.of(rest.removeFirst()));
                }
                case "--explain" -> explain = true;
                default -> {
                    err.println(USAGE_LINE);
                    return USAGE;
                }
            }
        }
        if (versionId == null || events == null || states.isEmpty()) {
            err.println(USAGE_LINE);
            return USAGE;
        }
        Optional<RoomVersion> version = RoomVersion.of(versionId);
        if (version.isEmpty()) {
            err.println("myelin resolve-state: unknown room version " + versionId + "; known: "
                    + String.join(", ", RoomVersion.ids()));
            return USAGE;
        }
        try {
            List<ResolveStateTool.Input> stateInputs = new ArrayList<>();
            for (Path state : states) {
                stateInputs.add(read(state));
            }
            ResolveStateTool.Result result = ResolveStateTool.run(version.get(), read(events), stateInputs);
            out.println(CanonicalJson.encodeToString(result.resolved(), false));
            if (explain) {
                result.explanation().forEach(out::println);
            }
            out.flush();
            return OK;
        } catch (ProtocolException e) {
            err.println("myelin resolve-state: " + e.getMessage());
            return FAILURE;
        } catch (IOException e) {
            err.println("myelin resolve-state: cannot read " + e.getMessage());
            return FAILURE;
        }
    }

    private static ResolveStateTool.Input read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        try {
            return new ResolveStateTool.Input(file.toString(), JsonParser.create().parse(bytes));
        } catch (ProtocolException e) {
            throw new ProtocolException(file + ": " + e.getMessage(), e);
        }
    }
}
