package io.myelin.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The Debian package: its fields, files, maintainer scripts and systemd unit, and that it runs unpacked. */
class DebPackageIT {

    static final Path DEB = Path.of(System.getProperty("myelin.deb"));
    static final Path CONFIG_SAMPLE = Path.of(System.getProperty("myelin.config.sample"));

    @Test
    void controlFieldsNameAnAmd64PackageThatCreatesItsUserWithAdduser() throws Exception {
        String fields = Shell.run(List.of("dpkg-deb", "-f", DEB.toString(),
                                          "Package", "Architecture", "Depends", "Version")).ok().output();

        assertTrue(fields.contains("Package: myelin\n"), fields);
        assertTrue(fields.contains("Architecture: amd64\n"), fields);
        assertTrue(fields.matches("(?s).*Depends: [^\\n]*adduser.*"), fields);
        assertTrue(fields.matches("(?s).*Version: \\d+\\.\\d+\\.\\d+.*"), fields);
    }

    @Test
    void packageHoldsTheImageUnderOptTheCommandTheConfigurationAndTheUnit() throws Exception {
        String contents = Shell.run(List.of("dpkg-deb", "-c", DEB.toString())).ok().output();

        String executable = "(?s).*-rwxr-xr-x root/root +\\d+ [^\\n]* \\./opt/myelin/bin/%s\\n.*";
        assertTrue(contents.matches(executable.formatted("myelin")), contents);
        assertTrue(contents.matches(executable.formatted("java")), contents);
        assertTrue(contents.contains(" ./opt/myelin/lib/myelin.aot\n"), contents);
        assertTrue(contents.contains(" ./usr/bin/myelin -> /opt/myelin/bin/myelin\n"), contents);
        assertTrue(contents.contains(" ./etc/myelin/myelin.yaml\n"), contents);
        assertTrue(contents.contains(" ./usr/lib/systemd/system/myelin.service\n"), contents);
        // The data folder belongs to the myelin user, made by postinst; dpkg must not remove it with the package.
        assertFalse(contents.contains("./var/lib/myelin"), contents);
    }

    @Test
    void configurationIsTheRepositorySampleAndAConffile(@TempDir Path work) throws Exception {
        Shell.run(List.of("dpkg-deb", "-e", DEB.toString(), work.resolve("control").toString())).ok();
        Shell.run(List.of("dpkg-deb", "-x", DEB.toString(), work.resolve("root").toString())).ok();

        assertEquals(List.of("/etc/myelin/myelin.yaml"), Files.readAllLines(work.resolve("control/conffiles")));
        assertEquals(Files.readString(CONFIG_SAMPLE), Files.readString(work.resolve("root/etc/myelin/myelin.yaml")));
    }

    @Test
    void packagedConfigurationIsAcceptedByThePackagedServer(@TempDir Path work) throws Exception {
        Path root = work.resolve("root");
        Shell.run(List.of("dpkg-deb", "-x", DEB.toString(), root.toString())).ok();
        // Only what cannot hold on a test machine is overridden: loopback, free ports, a scratch data folder.
        ProcessBuilder builder = new ProcessBuilder(root.resolve("opt/myelin/bin/myelin").toString(),
                                                    "--config", root.resolve("etc/myelin/myelin.yaml").toString(),
                                                    "--exit-after-start")
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("out.log").toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(Map.of("PATH", "/usr/bin:/bin", "HOME", work.toString(),
                          "MYELIN_SERVER__DATA_DIR", work.resolve("data").toString(),
                          "MYELIN_LISTENERS__CLIENT__HOST", "127.0.0.1",
                          "MYELIN_LISTENERS__CLIENT__PORT", Integer.toString(ServerProcess.freePort()),
                          "MYELIN_LISTENERS__FEDERATION__HOST", "127.0.0.1",
                          "MYELIN_LISTENERS__FEDERATION__PORT", Integer.toString(ServerProcess.freePort())));
        Process process = builder.start();

        boolean ended = process.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(work.resolve("out.log"));
        assertTrue(ended, "no exit within 60 s:\n" + output);
        assertEquals(0, process.exitValue(), output);
    }

    @Test
    void firstInstallCreatesDataFolderAndUserThenEnablesAndStartsTheService(@TempDir Path work) throws Exception {
        MaintainerScripts scripts = MaintainerScripts.extract(DEB, work);
        String root = scripts.root().toString();

        String calls = scripts.run("postinst", List.of("configure"), false);

        assertTrue(calls.contains("install -d -m 0750 " + root + "/var/lib/myelin\n"), calls);
        assertTrue(calls.contains("adduser --system --group --home /var/lib/myelin --no-create-home"
                                  + " --shell /usr/sbin/nologin myelin\n"), calls);
        assertTrue(calls.contains("chown -R myelin:myelin " + root + "/var/lib/myelin\n"), calls);
        assertTrue(calls.contains("chgrp myelin " + root + "/etc/myelin/myelin.yaml\n"), calls);
        assertTrue(calls.contains("systemctl enable myelin.service\nsystemctl start myelin.service\n"), calls);
    }

    @Test
    void upgradeLeavesUserDataAndConfigurationAloneAndRestartsTheService(@TempDir Path work) throws Exception {
        MaintainerScripts scripts = MaintainerScripts.extract(DEB, work);
        Files.createDirectories(scripts.root().resolve("var/lib/myelin"));

        String calls = scripts.run("postinst", List.of("configure", "0.0.1"), true);

        for (String untouched : List.of("adduser", "install", "chown", "chgrp", "chmod", "systemctl start")) {
            assertFalse(calls.contains(untouched), calls);
        }
        assertTrue(calls.contains("systemctl try-restart myelin.service\n"), calls);
    }

    @Test
    void reinstallAfterPurgeGivesTheKeptDataToTheNewUser(@TempDir Path work) throws Exception {
        MaintainerScripts scripts = MaintainerScripts.extract(DEB, work);
        Files.createDirectories(scripts.root().resolve("var/lib/myelin"));

        String calls = scripts.run("postinst", List.of("configure"), false);

        assertFalse(calls.contains("install -d"), calls);
        assertTrue(calls.contains("adduser --system"), calls);
        assertTrue(calls.contains("chown -R myelin:myelin " + scripts.root() + "/var/lib/myelin\n"), calls);
    }

    @Test
    void removeStopsTheServiceAndKeepsConfigurationUserAndData(@TempDir Path work) throws Exception {
        MaintainerScripts scripts = MaintainerScripts.extract(DEB, work);

        String calls = scripts.run("prerm", List.of("remove"), true) + scripts.run("postrm", List.of("remove"), true);

        assertTrue(calls.contains("systemctl stop myelin.service\n"), calls);
        assertFalse(calls.contains("rm "), calls);
        assertFalse(calls.contains("deluser"), calls);
        assertFalse(calls.contains("userdel"), calls);
    }

    @Test
    void purgeRemovesConfigurationAndUserButNotData(@TempDir Path work) throws Exception {
        MaintainerScripts scripts = MaintainerScripts.extract(DEB, work);

        String calls = scripts.run("postrm", List.of("purge"), true);

        assertTrue(calls.contains("rm -rf " + scripts.root() + "/etc/myelin\n"), calls);
        assertTrue(calls.contains("deluser --system --quiet myelin\n"), calls);
        assertFalse(calls.contains("/var/lib/myelin"), calls);
    }

    @Test
    void unitIsHardenedAndRunsTheLauncherWithTheConfiguration(@TempDir Path work) throws Exception {
        Shell.run(List.of("dpkg-deb", "-x", DEB.toString(), work.toString())).ok();
        List<String> unit = Files.readAllLines(work.resolve("usr/lib/systemd/system/myelin.service"));

        for (String setting : List.of(
                "ExecStart=/opt/myelin/bin/myelin --config /etc/myelin/myelin.yaml",
                "ExecStartPost=/opt/myelin/bin/myelin wait-ready --config /etc/myelin/myelin.yaml --timeout 110s",
                "User=myelin", "Restart=on-failure", "LimitNOFILE=65535", "NoNewPrivileges=yes",
                "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "ReadWritePaths=/var/lib/myelin",
                "CapabilityBoundingSet=", "TimeoutStopSec=60s", "WantedBy=multi-user.target")) {
            assertTrue(unit.contains(setting), "myelin.service lacks " + setting);
        }
        assertTrue(unit.contains("Type=exec") || unit.contains("Type=simple"), "unexpected Type in myelin.service");
    }

    @Test
    void unitPassesSystemdAnalyzeVerify(@TempDir Path root) throws Exception {
        if (!Shell.has("systemd-analyze")) {
            if ("true".equals(System.getenv("CI"))) {
                fail("systemd-analyze is missing (install systemd)");
            }
            Assumptions.abort("systemd-analyze is not installed here");
        }
        Shell.run(List.of("dpkg-deb", "-x", DEB.toString(), root.toString())).ok();
        // The unit is checked in the unpacked package (so that ExecStart exists), next to this machine's
        // units (so that targets such as multi-user.target resolve).
        Path units = root.resolve("usr/lib/systemd/system");
        Shell.run(List.of("cp", "-rn", "/lib/systemd/system/.", units.toString())).ok();

        Shell.Result verify = Shell.run(List.of("systemd-analyze", "verify", "--root=" + root, "myelin.service"));

        assertEquals(0, verify.status(), verify.output());
        assertFalse(verify.output().contains("myelin.service"), verify.output());
    }

    @Test
    void unpackedPackageRunsThroughALinkToItsLauncher(@TempDir Path work) throws Exception {
        Path root = work.resolve("root");
        Shell.run(List.of("dpkg-deb", "-x", DEB.toString(), root.toString())).ok();
        // Like /usr/bin/myelin: the launcher must find its image through the link.
        Path link = Files.createSymbolicLink(work.resolve("myelin"), root.resolve("opt/myelin/bin/myelin"));

        // The cache made in target/image must still be usable from the image's new place.
        Map<String, String> env = Map.of("MYELIN_JAVA_OPTS", "-XX:AOTMode=on");
        try (ServerProcess server = ServerProcess.start(link, work, env)) {
            server.awaitVersions(ImageIT.START);

            assertEquals(0, server.terminate(ImageIT.STOP), server.log());
        }
    }

    /**
     * The package's maintainer scripts, run against stand-ins for the commands they call and with
     * DPKG_ROOT set to a scratch root in which systemd runs: each stand-in records its command line, so a
     * test sees what a script would do without changing this machine.
     */
    record MaintainerScripts(Path control, Path stubs, Path calls, Path root) {

        private static final List<String> COMMANDS = List.of("adduser", "deluser", "delgroup", "userdel",
                "groupdel", "install", "chown", "chgrp", "chmod", "rm", "systemctl");

        static MaintainerScripts extract(Path deb, Path work) throws IOException, InterruptedException {
            Path control = work.resolve("control");
            Shell.run(List.of("dpkg-deb", "-e", deb.toString(), control.toString())).ok();
            for (String script : List.of("postinst", "prerm", "postrm")) {
                assertTrue(Files.isExecutable(control.resolve(script)), script + " is not executable");
            }

            Path stubs = Files.createDirectories(work.resolve("stubs"));
            for (String command : COMMANDS) {
                stub(stubs.resolve(command), "echo \"" + command + " $*\" >> \"$STUB_CALLS\"");
            }
            // getent answers from STUB_USER_EXISTS: whether the myelin user and group exist.
            stub(stubs.resolve("getent"), "[ \"$STUB_USER_EXISTS\" = yes ]");

            Path root = work.resolve("root");
            Files.createDirectories(root.resolve("run/systemd/system"));
            return new MaintainerScripts(control, stubs, work.resolve("calls"), root);
        }

        private static void stub(Path file, String body) throws IOException {
            Files.writeString(file, "#!/bin/sh\n" + body + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        /** Runs a script and returns the commands it called, one a line. */
        String run(String script, List<String> args, boolean userExists) throws IOException, InterruptedException {
            Files.deleteIfExists(calls);
            Files.createFile(calls);
            List<String> command = new ArrayList<>(List.of("sh", control.resolve(script).toString()));
            command.addAll(args);
            Shell.Result result = Shell.run(command, null, Map.of(
                    "PATH", stubs + ":/usr/bin:/bin",
                    "DPKG_ROOT", root.toString(),
                    "STUB_CALLS", calls.toString(),
                    "STUB_USER_EXISTS", userExists ? "yes" : "no"));
            assertEquals(0, result.status(), script + " " + args + " failed:\n" + result.output());
            return Files.readString(calls);
        }
    }
}
