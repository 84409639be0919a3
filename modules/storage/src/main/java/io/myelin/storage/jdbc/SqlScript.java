package io.myelin.storage.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a migration file into statements at the semicolons that end them.
 *
 * <p>A semicolon inside a string (also a PostgreSQL {@code E'...'} string), a quoted identifier, a comment,
 * a PostgreSQL dollar-quoted body, or a {@code BEGIN ... END} / {@code CASE ... END} block (as in a SQLite
 * trigger) does not end a statement.
 * JDBC drivers run one statement per call, so a file has to be cut up before it runs.
 */
public final class SqlScript {

    private SqlScript() {
    }

    /**
     * One statement of a file.
     *
     * @param sql  the statement's text, trimmed, without its closing semicolon
     * @param line the line of the file the statement starts on, from 1
     */
    public record Statement(String sql, int line) {
    }

    /**
     * Splits a script.
     *
     * @param script the file's text
     * @return its non-empty statements in order
     */
    public static List<Statement> split(String script) {
        List<Statement> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int line = 1;
        int startLine = 1;
        int depth = 0;
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            int end;
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                end = indexOrEnd(script, "\n", i + 2);
                // Keep the newline out of the comment so that line counting sees it.
                current.append(' ');
                i = end;
                continue;
            } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                end = indexOrEnd(script, "*/", i + 2);
                end = Math.min(n, end + 2);
                line += count(script, i, end);
                current.append(' ');
                i = end;
                continue;
            } else if ((c == 'E' || c == 'e') && i + 1 < n && script.charAt(i + 1) == '\''
                    && (i == 0 || !isWordChar(script.charAt(i - 1)))) {
                // A PostgreSQL escape string, E'...', where a backslash escapes the next character.
                end = escapeStringEnd(script, i + 1);
            } else if (c == '\'' || c == '"' || c == '`') {
                end = quoteEnd(script, i, c);
            } else if (c == '$' && dollarTag(script, i) != null) {
                String tag = dollarTag(script, i);
                end = indexOrEnd(script, tag, i + tag.length());
                end = Math.min(n, end + tag.length());
            } else if (Character.isLetter(c) || c == '_') {
                end = i + 1;
                while (end < n && isWordChar(script.charAt(end))) {
                    end++;
                }
                String word = script.substring(i, end).toUpperCase(Locale.ROOT);
                if (word.equals("BEGIN") || word.equals("CASE")) {
                    depth++;
                } else if (word.equals("END") && depth > 0) {
                    depth--;
                }
            } else if (c == ';' && depth == 0) {
                add(statements, current, startLine);
                i++;
                continue;
            } else {
                end = i + 1;
            }

            if (current.toString().isBlank()) {
                startLine = line + leadingNewlines(script, i, end);
            }
            line += count(script, i, end);
            current.append(script, i, end);
            i = end;
        }
        add(statements, current, startLine);
        return statements;
    }

    private static void add(List<Statement> statements, StringBuilder current, int line) {
        String sql = current.toString().strip();
        if (!sql.isEmpty()) {
            statements.add(new Statement(sql, line));
        }
        current.setLength(0);
    }

    // A quoted string or identifier ends at its closing quote; a doubled quote is an escaped one.
    private static int quoteEnd(String script, int start, char quote) {
        int i = start + 1;
        while (i < script.length()) {
            if (script.charAt(i) == quote) {
                if (i + 1 < script.length() && script.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return script.length();
    }

    private static int escapeStringEnd(String script, int quote) {
        int i = quote + 1;
        while (i < script.length()) {
            char c = script.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '\'') {
                if (i + 1 < script.length() && script.charAt(i + 1) == '\'') {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return script.length();
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    // $$ or $tag$ opens a PostgreSQL dollar-quoted string; $1 (a parameter) does not.
    private static String dollarTag(String script, int start) {
        int i = start + 1;
        while (i < script.length()) {
            char c = script.charAt(i);
            if (c == '$') {
                return script.substring(start, i + 1);
            }
            boolean first = i == start + 1;
            if (!(Character.isLetter(c) || c == '_' || (!first && Character.isDigit(c)))) {
                return null;
            }
            i++;
        }
        return null;
    }

    private static int indexOrEnd(String script, String needle, int from) {
        int index = script.indexOf(needle, from);
        return index < 0 ? script.length() : index;
    }

    private static int count(String script, int from, int to) {
        int lines = 0;
        for (int i = from; i < to; i++) {
            if (script.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
    }

    private static int leadingNewlines(String script, int from, int to) {
        int lines = 0;
        for (int i = from; i < to && Character.isWhitespace(script.charAt(i)); i++) {
            if (script.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
    }
}
