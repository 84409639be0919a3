package io.myelin.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Temporary directories of a test run.
 */
public final class TempDirs {

    private TempDirs() {
    }

    /**
     * @param prefix the start of the directory's name, such as {@code myelin-sync-test}
     * @return a new empty directory under {@code java.io.tmpdir}
     */
    public static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Removes a directory and everything in it, as far as it can: a leftover temporary file harms nothing, so
     * nothing is thrown.
     *
     * @param dir the directory; nothing happens when it does not exist
     */
    public static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Best effort, see above.
        }
    }
}
