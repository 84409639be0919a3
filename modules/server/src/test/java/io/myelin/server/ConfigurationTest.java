package io.myelin.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.myelin.api.ConfigProblems;
import io.myelin.server.config.ConfigException;
import io.myelin.server.config.CoreConfig;
import io.myelin.server.config.Settings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationTest {

    static final List<String> COMPONENT_KEYS = List.of("database", "bus", "cache", "roomserver", "federation",
            "users", "client", "sync", "keys", "media");

    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("myelin.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private List<String> problems(String yaml, Map<String, String> env) throws Exception {
        var root = Settings.load(write(yaml), env);
        var problems = new ConfigProblems();
        Settings.verifyVersion(root, true, problems);
        CoreConfig.read(root, false, COMPONENT_KEYS, problems);
        return problems.list();
    }

    @Test
    void noFileMeansDevelopmentDefaults() {
        var problems = new ConfigProblems();
        var core = CoreConfig.read(Settings.load(null, Map.of()), true, COMPONENT_KEYS, problems);
        assertEquals(List.of(), problems.list());
        assertEquals("localhost:8008", core.serverName());
        assertEquals(Path.of("./data"), core.dataDir());
        assertEquals(8008, core.client().port());
        assertEquals(8448, core.federation().port());
        assertEquals("127.0.0.1", core.client().host());
        assertFalse(core.metrics().enabled());
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsPath() throws Exception {
        var problems = problems("""
                version: 7
                server:
                  name: "not a name!"
                  max_request_size: 12xb
                  colour: blue
                listeners:
                  client:
                    port: 70000
                    max_connections: none
                  federation:
                    port: 8448
                metrics:
                  enabled: maybe
                  basic_auth:
                    username: prom
                logging:
                  level: LOUD
                surprise: true
                """, Map.of());
        String all = String.join("\n", problems);
        for (String key : List.of("version", "server.name", "server.max_request_size", "server.colour",
                "listeners.client.port", "listeners.client.max_connections", "listeners.federation",
                "metrics.enabled", "metrics.basic_auth",
                "logging.level", "surprise")) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(key + ":")), key + " not in\n" + all);
        }
        assertTrue(all.contains("12xb"), all);
    }

    @Test
    void missingVersionAndNameAreReported() throws Exception {
        var problems = problems("listeners:\n  federation:\n    plain_http: true\n", Map.of());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("version:")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("server.name:")), problems.toString());
    }

    @Test
    void environmentOverridesTheFile() throws Exception {
        var root = Settings.load(write("version: 1\nserver:\n  name: file.example\n"),
                Map.of("MYELIN_SERVER__NAME", "env.example",
                        "MYELIN_CACHE__MAX_SIZE_ESTIMATED", "2gb",
                        "MYELIN_LISTENERS__FEDERATION__PLAIN_HTTP", "true",
                        "MYELIN_CONFIG", "/ignored",
                        "MYELIN_JAVA_OPTS", "-Xmx1g",
                        "OTHER", "x"));
        var problems = new ConfigProblems();
        var core = CoreConfig.read(root, false, COMPONENT_KEYS, problems);
        assertEquals(List.of(), problems.list());
        assertEquals("env.example", core.serverName());
        assertEquals("2gb", root.get("cache.max_size_estimated").asString().get());
        assertTrue(core.federation().plainHttp());
        assertFalse(root.get("config").exists());
        assertFalse(root.get("java_opts").exists());
    }

    @Test
    void federationNeedsTlsOrExplicitPlainHttp() throws Exception {
        var problems = problems("version: 1\nserver:\n  name: example.org\n", Map.of());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().startsWith("listeners.federation:"), problems.toString());
    }

    @Test
    void sampleConfigurationIsValid() throws Exception {
        Path sample = ModuleRulesTest.repoRoot().resolve("etc/myelin.yaml");
        var root = Settings.load(sample, Map.of());
        var problems = new ConfigProblems();
        Settings.verifyVersion(root, true, problems);
        var core = CoreConfig.read(root, false, COMPONENT_KEYS, problems);
        assertEquals(List.of(), problems.list());
        assertEquals("example.org", core.serverName());
    }

    @Test
    void missingFileIsAClearError() {
        var e = assertThrows(ConfigException.class, () -> Settings.load(dir.resolve("nope.yaml"), Map.of()));
        assertTrue(e.getMessage().contains("nope.yaml"));
    }
}
