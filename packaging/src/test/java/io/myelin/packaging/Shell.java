package io.myelin.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to its end and keeps what it printed. */
final class Shell {

    private static final long TIMEOUT_SECONDS = 120;

    private Shell() {
    }

    /** What a command did: its exit status and its output (standard output and error together). */
    record Result(int status, String output) {

        Result ok() {
            if (status != 0) {
                throw new AssertionError("exit status " + status + ":\n" + output);
            }
            return this;
        }
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        return run(command, null, Map.of());
    }

    static Result run(List<String> command, Path dir, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        builder.environment().putAll(env);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not end within " + TIMEOUT_SECONDS + " s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** Whether a program is on the PATH of this machine. */
    static boolean has(String program) throws IOException, InterruptedException {
        return run(List.of("sh", "-c", "command -v " + program)).status() == 0;
    }
}
