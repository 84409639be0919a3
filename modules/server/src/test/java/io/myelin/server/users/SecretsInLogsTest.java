package io.myelin.server.users;

import static io.myelin.server.users.AccountsTestBase.login;
import static io.myelin.server.users.AccountsTestBase.passwordAuth;
import static io.myelin.server.users.AccountsTestBase.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import io.myelin.server.users.UsersServer.Backend;
import io.myelin.server.users.UsersServer.Reply;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passwords, access tokens and refresh tokens never reach the log, at any level, through a whole
 * register, login, refresh, password change and logout flow including failures.
 */
class SecretsInLogsTest {

    @TempDir
    Path dir;

    /** Collects every record, formatted as a console handler would, with its stack trace. */
    private static final class Capture extends Handler {
        private final List<String> lines = new ArrayList<>();
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public synchronized void publish(LogRecord record) {
            StringBuilder line = new StringBuilder(formatter.format(record));
            if (record.getParameters() != null) {
                for (Object p : record.getParameters()) {
                    line.append(' ').append(p);
                }
            }
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                line.append(trace);
            }
            lines.add(line.toString());
        }

        synchronized String text() {
            return String.join("\n", lines);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void noSecretIsLoggedAtAnyLevel() throws Exception {
        Logger root = Logger.getLogger("");
        Logger myelin = Logger.getLogger("io.myelin");
        Logger helidon = Logger.getLogger("io.helidon");
        Level rootLevel = root.getLevel();
        Level myelinLevel = myelin.getLevel();
        Level helidonLevel = helidon.getLevel();
        Capture capture = new Capture();
        capture.setLevel(Level.ALL);
        List<String> secrets = new ArrayList<>();
        try (UsersServer server = UsersServer.start(dir, Backend.SQLITE, """
                enable_registration: true
                password_hashing:
                  memory: 64kb
                  iterations: 1
                """)) {
            root.addHandler(capture);
            root.setLevel(Level.ALL);
            myelin.setLevel(Level.ALL);
            helidon.setLevel(Level.ALL);

            String password = "Pa55-word-that-must-not-leak";
            String newPassword = "N3w-password-that-must-not-leak";
            secrets.add(password);
            secrets.add(newPassword);
            Reply registered = register(server, "carol", password);
            secrets.add(registered.string("access_token"));
            Reply wrong = login(server, "carol", "Wr0ng-password-that-must-not-leak");
            secrets.add("Wr0ng-password-that-must-not-leak");
            assertEquals(403, wrong.status());
            Reply withRefresh = server.post("/_matrix/client/v3/login", null, """
                    {"type":"m.login.password","identifier":{"type":"m.id.user","user":"carol"},"password":"%s",
                     "refresh_token":true}""".formatted(password));
            secrets.add(withRefresh.string("access_token"));
            secrets.add(withRefresh.string("refresh_token"));
            Reply refreshed = server.post("/_matrix/client/v3/refresh", null,
                    "{\"refresh_token\":\"" + withRefresh.string("refresh_token") + "\"}");
            secrets.add(refreshed.string("access_token"));
            secrets.add(refreshed.string("refresh_token"));
            assertEquals(401, server.post("/_matrix/client/v3/refresh", null,
                    "{\"refresh_token\":\"" + withRefresh.string("refresh_token") + "\"}").status());
            assertEquals(401, server.get("/_matrix/client/v3/account/whoami?access_token="
                    + withRefresh.string("access_token"), null).status());
            assertEquals(200, server.post("/_matrix/client/v3/account/password", registered.string("access_token"),
                    "{\"new_password\":\"" + newPassword + "\",\"auth\":" + passwordAuth("carol", password, null)
                            + "}").status());
            assertEquals(200, server.post("/_matrix/client/v3/logout", registered.string("access_token"), "{}")
                    .status());
        } finally {
            root.removeHandler(capture);
            root.setLevel(rootLevel);
            myelin.setLevel(myelinLevel);
            helidon.setLevel(helidonLevel);
        }
        String logged = capture.text();
        assertTrue(logged.contains("@carol:test.local"), "the flow was logged at all");
        for (String secret : secrets) {
            assertFalse(logged.contains(secret), "a secret reached the log");
        }
    }
}
