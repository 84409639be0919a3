package io.myelin.storage.jdbc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbStatementType;

/**
 * The names Helidon's DB Client gives statements passed as text: the statement type's prefix and the
 * Base64 SHA-256 of the text. Helidon works a name out on every call (a digest lookup and a hash, some
 * 2 % of a busy roomserver's samples); here each text's name is worked out once. Texts are mostly
 * constants; those built at run time (a list of placeholders) are few, and past a bound they are named
 * afresh rather than kept.
 */
final class StatementNames {

    private static final int MAX_KEPT = 4096;
    private static final ConcurrentHashMap<String, String> NAMES = new ConcurrentHashMap<>();

    private StatementNames() {
    }

    /**
     * @param type      the statement's type
     * @param statement its text
     * @return its name, as Helidon would give it
     */
    static String of(DbStatementType type, String statement) {
        String hash = NAMES.get(statement);
        if (hash == null) {
            hash = hash(statement);
            if (NAMES.size() < MAX_KEPT) {
                NAMES.put(statement, hash);
            }
        }
        return type.prefix() + hash;
    }

    /**
     * Runs a DML statement given as text, named here.
     *
     * @param execute   where to run it
     * @param statement its text
     * @return the rows it changed
     */
    static long dml(DbExecute execute, String statement) {
        return execute.createNamedDmlStatement(of(DbStatementType.DML, statement), statement).execute();
    }

    private static String hash(String statement) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return Base64.getEncoder().encodeToString(digest.digest(statement.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            return "sha256failed";
        }
    }
}
