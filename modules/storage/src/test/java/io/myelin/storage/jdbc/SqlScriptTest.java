package io.myelin.storage.jdbc;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SqlScriptTest {

    @Test
    void statementsSplitAtSemicolonsWithTheirLines() {
        List<SqlScript.Statement> statements = SqlScript.split("""
                CREATE TABLE a (id INTEGER);

                -- a comment; with a semicolon
                INSERT INTO a VALUES (1);
                /* block; comment
                   over lines */ INSERT INTO a VALUES (2)
                """);

        assertEquals(List.of(new SqlScript.Statement("CREATE TABLE a (id INTEGER)", 1),
                             new SqlScript.Statement("INSERT INTO a VALUES (1)", 4),
                             new SqlScript.Statement("INSERT INTO a VALUES (2)", 6)),
                     statements);
    }

    @Test
    void semicolonsInQuotesDoNotSplit() {
        List<SqlScript.Statement> statements = SqlScript.split(
                "INSERT INTO \"t;x\" VALUES ('it''s; fine', `b;c`); SELECT 1");

        assertEquals(2, statements.size());
        assertEquals("INSERT INTO \"t;x\" VALUES ('it''s; fine', `b;c`)", statements.get(0).sql());
    }

    @Test
    void escapeStringsMayHoldEscapedQuotes() {
        List<SqlScript.Statement> statements = SqlScript.split(
                "INSERT INTO t VALUES (E'it\\'s; \\\\', 'plain\\'); SELECT name FROM t");

        assertEquals(List.of("INSERT INTO t VALUES (E'it\\'s; \\\\', 'plain\\')", "SELECT name FROM t"),
                     statements.stream().map(SqlScript.Statement::sql).toList());
    }

    @Test
    void triggerBodiesAndCaseStayWhole() {
        List<SqlScript.Statement> statements = SqlScript.split("""
                CREATE TRIGGER t AFTER INSERT ON a BEGIN
                    UPDATE b SET n = CASE WHEN n > 1 THEN 0 ELSE n + 1 END;
                    DELETE FROM c;
                END;
                SELECT 2;
                """);

        assertEquals(2, statements.size());
        assertEquals("SELECT 2", statements.get(1).sql());
        assertEquals(5, statements.get(1).line());
    }

    @Test
    void dollarQuotedBodiesStayWholeButParametersDoNot() {
        List<SqlScript.Statement> statements = SqlScript.split("""
                CREATE FUNCTION f() RETURNS int AS $fn$ BEGIN RETURN 1; END; $fn$ LANGUAGE plpgsql;
                CREATE FUNCTION g() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;
                SELECT $1;
                """);

        assertEquals(3, statements.size());
        assertEquals("SELECT $1", statements.get(2).sql());
    }

    @Test
    void emptyScriptHasNoStatements() {
        assertEquals(List.of(), SqlScript.split("  -- nothing here\n ; ;\n"));
    }
}
