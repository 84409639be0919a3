package io.myelin.storage.jdbc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import io.myelin.api.storage.Dialect;

/**
 * What the storage component needs to know about a JDBC URL: its dialect, the SQLite file it names,
 * and a form of it that is safe to log.
 */
public final class JdbcUrls {

    private static final String SQLITE = "jdbc:sqlite:";
    private static final String POSTGRES = "jdbc:postgresql:";
    // Query parameters that carry or identify credentials; the drivers accept them in URLs.
    private static final Set<String> CREDENTIAL_PARAMETERS =
            Set.of("user", "username", "password", "sslpassword", "sslkey", "sslcert", "sslrootcert");

    private JdbcUrls() {
    }

    /**
     * The dialect a URL selects.
     *
     * @param url the JDBC URL
     * @return the dialect, empty when the URL is neither SQLite nor PostgreSQL
     */
    public static Optional<Dialect> dialect(String url) {
        if (url.startsWith(SQLITE) && url.length() > SQLITE.length()) {
            return Optional.of(Dialect.SQLITE);
        }
        if (url.startsWith(POSTGRES + "//")) {
            return Optional.of(Dialect.POSTGRES);
        }
        return Optional.empty();
    }

    /**
     * Whether a SQLite URL names an in-memory database rather than a file.
     *
     * @param url the JDBC URL
     * @return true for {@code :memory:} and {@code mode=memory} URLs
     */
    public static boolean isSqliteInMemory(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith(SQLITE)
                && (lower.contains(":memory:") || lower.contains("mode=memory") || lower.equals(SQLITE));
    }

    /**
     * The file a SQLite URL names.
     *
     * @param url a {@code jdbc:sqlite:} URL of a file
     * @return the file's path
     */
    public static Path sqliteFile(String url) {
        String rest = url.substring(SQLITE.length());
        int query = rest.indexOf('?');
        if (query >= 0) {
            rest = rest.substring(0, query);
        }
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
            // file:///path and file:/path are both absolute paths.
            while (rest.startsWith("//")) {
                rest = rest.substring(1);
            }
        }
        return Path.of(rest);
    }

    /**
     * The URL without user names, passwords or key material, for logs.
     *
     * @param url a JDBC URL
     * @return the URL with {@code user:password@} and credential parameters removed
     */
    public static String redact(String url) {
        String base = url;
        String query = null;
        int mark = url.indexOf('?');
        if (mark >= 0) {
            base = url.substring(0, mark);
            query = url.substring(mark + 1);
        }

        int scheme = base.indexOf("//");
        if (scheme >= 0) {
            int hostEnd = base.indexOf('/', scheme + 2);
            String authority = hostEnd < 0 ? base.substring(scheme + 2) : base.substring(scheme + 2, hostEnd);
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                base = base.substring(0, scheme + 2) + authority.substring(at + 1)
                        + (hostEnd < 0 ? "" : base.substring(hostEnd));
            }
        }
        if (query == null) {
            return base;
        }

        List<String> kept = new ArrayList<>();
        for (String parameter : query.split("&")) {
            int eq = parameter.indexOf('=');
            String name = (eq < 0 ? parameter : parameter.substring(0, eq)).toLowerCase(Locale.ROOT);
            if (!CREDENTIAL_PARAMETERS.contains(name) && !name.contains("password") && !name.contains("secret")) {
                kept.add(parameter);
            }
        }
        return kept.isEmpty() ? base : base + "?" + String.join("&", kept);
    }
}
