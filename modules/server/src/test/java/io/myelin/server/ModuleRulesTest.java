package io.myelin.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The architecture's module rules (DESIGN.md §1), checked by reading every {@code module-info.java}:
 * components meet only through {@code api}, every component provides {@code Component}, and wiring lives
 * in module descriptors, never in {@code META-INF/services} files.
 */
class ModuleRulesTest {

    static final Set<String> COMPONENTS = Set.of("cache", "storage", "bus", "roomserver", "federation", "users",
            "client", "sync", "keys", "media");
    private static final Pattern REQUIRES = Pattern.compile("requires\\s+(?:transitive\\s+|static\\s+)*([\\w.]+)\\s*;");

    static Path repoRoot() {
        return Path.of(System.getProperty("myelin.repo.root", "../.."));
    }

    private static String descriptor(String module) throws IOException {
        Path file = repoRoot().resolve("modules").resolve(module).resolve("src/main/java/module-info.java");
        assertTrue(Files.isRegularFile(file), "missing " + file);
        // Comments may mention anything; rules apply to declarations only.
        return Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
    }

    private static List<String> requires(String text) {
        List<String> modules = new ArrayList<>();
        Matcher m = REQUIRES.matcher(text);
        while (m.find()) {
            modules.add(m.group(1));
        }
        return modules;
    }

    @Test
    void everyDesignModuleExists() throws IOException {
        try (Stream<Path> dirs = Files.list(repoRoot().resolve("modules"))) {
            Set<String> found = Set.copyOf(dirs.map(p -> p.getFileName().toString()).toList());
            for (String m : List.of("protocol", "api", "server")) {
                assertTrue(found.contains(m), m);
            }
            assertTrue(found.containsAll(COMPONENTS), "components: " + found);
        }
    }

    @Test
    void componentsRequireNoOtherComponent() throws IOException {
        List<String> violations = new ArrayList<>();
        for (String component : COMPONENTS) {
            for (String required : requires(descriptor(component))) {
                if (required.startsWith("io.myelin.") && !required.equals("io.myelin.api")
                        && !required.equals("io.myelin.protocol")) {
                    violations.add(component + " requires " + required);
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void nothingRequiresAComponent() throws IOException {
        List<String> violations = new ArrayList<>();
        for (String module : List.of("protocol", "api", "server")) {
            for (String required : requires(descriptor(module))) {
                String simple = required.substring(required.lastIndexOf('.') + 1);
                if (required.startsWith("io.myelin.") && COMPONENTS.contains(simple)) {
                    violations.add(module + " requires " + required);
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    /**
     * Protocol stays free of I/O libraries. BouncyCastle is the one exception, for Ed25519: the JDK's
     * provider verified at 8% of libsodium's rate on this project's machine, BouncyCastle at 66%
     * (docs/benchmarks-protocol.md), and jnats brings the same jar anyway.
     */
    @Test
    void protocolRequiresOnlyJsonTheJdkAndBouncyCastle() throws IOException {
        for (String required : requires(descriptor("protocol"))) {
            assertTrue(required.equals("jakarta.json") || required.equals("org.bouncycastle.lts.prov")
                    || required.startsWith("java.") || required.startsWith("jdk."), "protocol requires " + required);
        }
    }

    @Test
    void everyComponentProvidesComponent() throws IOException {
        Pattern provides = Pattern.compile("provides\\s+io\\.myelin\\.api\\.Component\\s+with\\s+[\\w.]+");
        for (String component : COMPONENTS) {
            assertTrue(provides.matcher(descriptor(component)).find(),
                    component + " lacks 'provides io.myelin.api.Component with ...'");
        }
    }

    @Test
    void serverUsesComponent() throws IOException {
        assertTrue(descriptor("server").contains("uses io.myelin.api.Component;"));
    }

    @Test
    void noServiceFilesAnywhere() throws IOException {
        List<Path> found;
        try (Stream<Path> files = Files.walk(repoRoot().resolve("modules"))) {
            found = files.filter(p -> p.toString().contains("META-INF/services"))
                    .filter(p -> !p.toString().contains("/target/"))
                    .toList();
        }
        assertEquals(List.of(), found, "wiring belongs in module-info.java");
    }
}
