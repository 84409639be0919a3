package io.myelin.packaging;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Builds Myelin's runtime image with jlink from the server's runtime jars.
 *
 * <p>jlink accepts only explicit modules, and several libraries Myelin uses are still automatic modules
 * (plain jars with a module name). For each of them this program generates an open-module descriptor
 * with jdeps, applies the fix-ups jdeps cannot infer (see {@code src/image/fixups.txt}), compiles the
 * descriptor against the jar and adds it to a copy of the jar. It then links every module on that path
 * with the JDK modules they require, and replaces jlink's launcher with Myelin's own {@code bin/myelin}.
 *
 * <p>Run with the JDK that the image is for, as a source-file program:
 * <pre>
 * java BuildImage.java --libs DIR --fixups FILE --launcher-script FILE --launcher NAME=MODULE/CLASS \
 *      --jvm-options "FLAGS" [--logging-config FILE] --work DIR --output DIR
 * </pre>
 * It prints what it does to standard output; it is a build step, and that is its interface.
 */
public final class BuildImage {

    /** The release whose versioned classes jdeps reads in multi-release jars; 21 works for every jar here. */
    private static final String JDEPS_RELEASE = "21";

    private static final Pattern PROVIDES = Pattern.compile("\\s*provides\\s+([\\w.$]+)\\s+with\\s+[^;]+;\\n?");

    private final Options options;

    private BuildImage(Options options) {
        this.options = options;
    }

    /**
     * Builds the image.
     *
     * @param args the options, see the class description
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        new BuildImage(Options.parse(args)).build();
    }

    private void build() throws IOException {
        deleteTree(options.work());
        deleteTree(options.output());
        Path modules = Files.createDirectories(options.work().resolve("modules"));
        Fixups fixups = Fixups.read(options.fixups());

        // Work on copies: the jars in the input folder (and in the local repository) stay untouched.
        try (Stream<Path> jars = Files.list(options.libs())) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                Files.copy(jar, modules.resolve(jar.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }

        Map<String, Path> automatic = automaticModules(modules);
        System.out.printf("%d automatic modules get a generated descriptor: %s%n",
                          automatic.size(), String.join(", ", automatic.keySet()));
        if (!automatic.isEmpty()) {
            Map<String, Path> descriptors = generateDescriptors(modules, automatic);
            Set<String> knownPackages = packagesOf(modules);
            for (var entry : descriptors.entrySet()) {
                String name = entry.getKey();
                fixDescriptor(name, entry.getValue(), fixups.directives(name), knownPackages);
                addDescriptor(name, entry.getValue(), automatic.get(name), modules);
            }
            fixups.checkAllUsed(descriptors.keySet());
        }

        link(modules, fixups.excludes(), automatic.keySet());
        installLauncher();
        installLoggingConfig();
        System.out.printf("Image written to %s%n", options.output());
    }

    private static Map<String, Path> automaticModules(Path modules) {
        Map<String, Path> automatic = new TreeMap<>();
        for (ModuleReference module : ModuleFinder.of(modules).findAll()) {
            if (module.descriptor().isAutomatic()) {
                automatic.put(module.descriptor().name(), Path.of(module.location().orElseThrow()));
            }
        }
        return automatic;
    }

    /** Runs jdeps once over all automatic jars so that their descriptors can require each other. */
    private Map<String, Path> generateDescriptors(Path modules, Map<String, Path> automatic) {
        Path out = options.work().resolve("descriptors");
        List<String> args = new ArrayList<>(List.of("--multi-release", JDEPS_RELEASE,
                                                     "--ignore-missing-deps",
                                                     "--module-path", modules.toString(),
                                                     "--generate-open-module", out.toString()));
        automatic.values().forEach(jar -> args.add(jar.toString()));
        run("jdeps", args);

        Map<String, Path> descriptors = new TreeMap<>();
        for (String name : automatic.keySet()) {
            Path versioned = out.resolve(name).resolve("versions").resolve(JDEPS_RELEASE).resolve("module-info.java");
            Path plain = out.resolve(name).resolve("module-info.java");
            Path descriptor = Files.exists(versioned) ? versioned : plain;
            if (!Files.exists(descriptor)) {
                throw new IllegalStateException("jdeps wrote no descriptor for " + name);
            }
            descriptors.put(name, descriptor);
        }
        return descriptors;
    }

    /** Every package of the JDK and of the jars, to tell which service types exist at run time. */
    private static Set<String> packagesOf(Path modules) {
        Set<String> packages = new HashSet<>();
        ModuleFinder.compose(ModuleFinder.ofSystem(), ModuleFinder.of(modules))
                .findAll()
                .forEach(module -> packages.addAll(module.descriptor().packages()));
        return packages;
    }

    private static void fixDescriptor(String name, Path descriptor, List<String> extra, Set<String> knownPackages)
            throws IOException {
        String source = Files.readString(descriptor);

        // A provider of a service whose interface is absent fails at link time and is useless at run time.
        StringBuilder kept = new StringBuilder();
        Matcher matcher = PROVIDES.matcher(source);
        while (matcher.find()) {
            String service = matcher.group(1);
            String pkg = service.substring(0, service.lastIndexOf('.'));
            if (knownPackages.contains(pkg)) {
                matcher.appendReplacement(kept, Matcher.quoteReplacement(matcher.group()));
            } else {
                System.out.printf("  %s: dropped 'provides %s' (no module has %s)%n", name, service, pkg);
                matcher.appendReplacement(kept, "");
            }
        }
        matcher.appendTail(kept);
        source = kept.toString();

        if (!extra.isEmpty()) {
            int end = source.lastIndexOf('}');
            StringBuilder added = new StringBuilder("\n    // Added from fixups.txt\n");
            extra.forEach(directive -> added.append("    ").append(directive).append('\n'));
            System.out.printf("  %s: added %s%n", name, extra);
            source = source.substring(0, end) + added + source.substring(end);
        }
        Files.writeString(descriptor, source);
    }

    /** Compiles the descriptor against its own jar and adds the class to that jar (a copy). */
    private void addDescriptor(String name, Path descriptor, Path jar, Path modules) throws IOException {
        Path classes = Files.createDirectories(options.work().resolve("classes").resolve(name));
        run("javac", List.of("-nowarn", "-Xlint:none",
                             "--module-path", modules.toString(),
                             "--patch-module", name + "=" + jar,
                             "-d", classes.toString(),
                             descriptor.toString()));
        run("jar", List.of("--update", "--file", jar.toString(), "-C", classes.toString(), "module-info.class"));
    }

    /**
     * Links the image. On a module path every automatic module is resolved once one of them is, and some
     * libraries count on that ({@code requires static} of an optional registry that is in fact present):
     * the image keeps that behaviour by adding the formerly automatic modules to the root modules.
     */
    private void link(Path modules, List<String> excludes, Set<String> formerlyAutomatic) {
        String jvmOptions = options.jvmOptions();
        if (!formerlyAutomatic.isEmpty()) {
            jvmOptions = (jvmOptions + " --add-modules=" + String.join(",", formerlyAutomatic)).strip();
        }
        List<String> args = new ArrayList<>(List.of(
                "--module-path", modules.toString(),
                "--add-modules", "ALL-MODULE-PATH",
                "--launcher", options.launcher(),
                "--strip-debug", "--no-header-files", "--no-man-pages",
                "--compress=zip-6",
                // Signed jars (Bouncy Castle) lose their signatures in an image; OpenJDK does not require
                // signed JCE providers, so the classes are linked like any other.
                "--ignore-signing-information",
                "--add-options=" + jvmOptions,
                "--output", options.output().toString()));
        excludes.forEach(pattern -> args.add("--exclude-resources=" + pattern));
        run("jlink", args);
    }

    /**
     * Replaces jlink's launcher: Myelin's follows symbolic links (/usr/bin/myelin), adds the ahead-of-time
     * cache when the image has one and passes MYELIN_CONFIG and MYELIN_JAVA_OPTS through.
     */
    private void installLauncher() throws IOException {
        String name = options.launcher().substring(0, options.launcher().indexOf('='));
        String mainSpec = options.launcher().substring(options.launcher().indexOf('=') + 1);
        String script = Files.readString(options.launcherScript()).replace("@MAIN@", mainSpec);
        Path launcher = options.output().resolve("bin").resolve(name);
        Files.writeString(launcher, script);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * The runtime reads {@code conf/logging.properties} when no other logging configuration is named, so
     * the server's own becomes the image's default; {@code -Djava.util.logging.config.file} still wins.
     */
    private void installLoggingConfig() throws IOException {
        if (options.loggingConfig() != null) {
            Files.copy(options.loggingConfig(), options.output().resolve("conf/logging.properties"),
                       StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void run(String tool, List<String> args) {
        ToolProvider provider = ToolProvider.findFirst(tool)
                .orElseThrow(() -> new IllegalStateException("this JDK has no " + tool));
        StringWriter output = new StringWriter();
        try (PrintWriter writer = new PrintWriter(output)) {
            int status = provider.run(writer, writer, args.toArray(String[]::new));
            if (status != 0) {
                throw new IllegalStateException(tool + " failed (" + status + ") with " + args + ":\n" + output);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** The command line. */
    private record Options(Path libs, Path fixups, Path launcherScript, String launcher, String jvmOptions,
                           Path loggingConfig, Path work, Path output) {

        static Options parse(String[] args) {
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                values.put(args[i], args[i + 1]);
            }
            return new Options(Path.of(required(values, "--libs")),
                               Path.of(required(values, "--fixups")),
                               Path.of(required(values, "--launcher-script")),
                               required(values, "--launcher"),
                               values.getOrDefault("--jvm-options", "").trim(),
                               values.containsKey("--logging-config") ? Path.of(values.get("--logging-config")) : null,
                               Path.of(required(values, "--work")),
                               Path.of(required(values, "--output")));
        }

        private static String required(Map<String, String> values, String name) {
            String value = values.get(name);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("missing option " + name);
            }
            return value;
        }
    }

    /** The fix-ups file: directives per module and resources that jlink leaves out. */
    private record Fixups(Map<String, List<String>> directives, List<String> excludes) {

        static Fixups read(Path file) throws IOException {
            Map<String, List<String>> directives = new LinkedHashMap<>();
            List<String> excludes = new ArrayList<>();
            for (String raw : Files.readAllLines(file)) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\s+", 2);
                if (parts.length != 2) {
                    throw new IllegalArgumentException(file + ": cannot read line '" + line + "'");
                }
                if (parts[0].equals("exclude-resources")) {
                    excludes.add(parts[1]);
                } else if (parts[1].endsWith(";")) {
                    directives.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(parts[1]);
                } else {
                    throw new IllegalArgumentException(file + ": a directive ends with ';': '" + line + "'");
                }
            }
            return new Fixups(directives, excludes);
        }

        List<String> directives(String module) {
            return directives.getOrDefault(module, List.of());
        }

        /** A fix-up for a module that is no longer automatic is stale: say so rather than carry it silently. */
        void checkAllUsed(Set<String> automatic) {
            directives.keySet().stream()
                    .filter(module -> !automatic.contains(module))
                    .forEach(module -> System.out.printf(
                            "  note: fixups.txt names %s, which is not an automatic module here%n", module));
        }
    }
}
