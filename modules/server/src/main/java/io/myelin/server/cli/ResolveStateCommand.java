package io.myelin.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.dbclient.DbClientException;
import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.json.CanonicalJson;
import io.myelin.protocol.json.JsonParser;
import io.myelin.protocol.state.ResolveStateTool;
import io.myelin.server.config.ConfigException;

/**
 * {@code myelin resolve-state --room-version V --events EVENTS.json --state A.json --state B.json ...
 * [--explain]}: resolves state sets (each a JSON array of event ids) over events in the federation format
 * of the room version, and prints the resolved state as {@code {"<type>": {"<state_key>": "<event_id>"}}}
 * on one line. {@code --explain} then prints every ordering and auth decision, one per line.
 *
 * <p>{@code myelin resolve-state [--config FILE] --room ROOM_ID [--at EVENT_ID ...] [--explain]} does the same
 * for a room in the server's database: the state sets are the states after the room's forward extremities (or
 * after the given events), read through {@link LiveRoom}.
 */
public final class ResolveStateCommand implements Command {

    private static final String USAGE_LINE = "usage: myelin resolve-state --room-version V --events FILE "
            + "--state FILE [--state FILE ...] [--explain]\n"
            + "       myelin resolve-state [--config FILE] --room ROOM_ID [--at EVENT_ID ...] [--explain]";

    private final Map<String, String> env;

    /** A command that reads no environment. */
    public ResolveStateCommand() {
        this(Map.of());
    }

    /**
     * @param env the environment, for {@code MYELIN_CONFIG} and configuration overrides
     */
    public ResolveStateCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

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
        Path config = env.containsKey("MYELIN_CONFIG") ? Path.of(env.get("MYELIN_CONFIG")) : null;
        String room = null;
        List<String> at = new ArrayList<>();
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
                case "--config", "--room", "--at" -> {
                    if (!hasValue) {
                        err.println(USAGE_LINE);
                        return USAGE;
                    }
                    String value = rest.removeFirst();
                    switch (arg) {
                        case "--config" -> config = Path.of(value);
                        case "--room" -> room = value;
                        default -> at.add(value);
                    }
                }
                default -> {
                    err.println(USAGE_LINE);
                    return USAGE;
                }
            }
        }
        if (room != null && versionId == null && events == null && states.isEmpty()) {
            return live(config, room, at, explain, out, err);
        }
        if (versionId == null || events == null || states.isEmpty() || room != null || !at.isEmpty()) {
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

    private int live(Path config, String room, List<String> at, boolean explain, PrintStream out, PrintStream err) {
        LiveRoom.Snapshot snapshot;
        try {
            snapshot = LiveRoom.read(config, env, room, at);
        } catch (ConfigException e) {
            err.println("myelin resolve-state: " + e.getMessage());
            return FAILURE;
        } catch (IllegalArgumentException | IllegalStateException | DbClientException e) {
            err.println("myelin resolve-state: " + e.getMessage());
            return FAILURE;
        }
        Optional<RoomVersion> version = RoomVersion.of(snapshot.roomVersion());
        if (version.isEmpty()) {
            err.println("myelin resolve-state: room " + room + " has unknown version " + snapshot.roomVersion());
            return FAILURE;
        }
        try {
            ResolveStateTool.Result result = ResolveStateTool.run(version.get(), snapshot.events(), snapshot.states());
            out.println(CanonicalJson.encodeToString(result.resolved(), false));
            if (explain) {
                result.explanation().forEach(out::println);
            }
            out.flush();
            return OK;
        } catch (ProtocolException e) {
            err.println("myelin resolve-state: " + e.getMessage());
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
