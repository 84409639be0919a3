package io.myelin.bus.nats;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns any subject (a room id such as {@code !abc:example.org}, a user id) into one NATS subject token
 * and back.
 *
 * <p>A NATS token may not hold {@code .}, {@code *}, {@code >} or white space, and servers treat some
 * other characters specially. ASCII letters, digits, {@code -} and {@code _} stay as they are, so that
 * subjects stay readable in broker tools; every other byte of the UTF-8 form becomes {@code ~} and two
 * upper-case hex digits. The empty subject is {@code ~}.
 */
public final class SubjectTokens {

    private static final char ESCAPE = '~';
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private SubjectTokens() {
    }

    /**
     * Encodes a subject as a token.
     *
     * @param subject the subject
     * @return a non-empty token of letters, digits, {@code -}, {@code _} and {@code ~}
     */
    public static String encode(String subject) {
        if (subject.isEmpty()) {
            return String.valueOf(ESCAPE);
        }
        StringBuilder out = new StringBuilder(subject.length() + 8);
        for (byte b : subject.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (plain(c)) {
                out.append((char) c);
            } else {
                out.append(ESCAPE).append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    /**
     * Decodes a token made by {@link #encode}.
     *
     * @param token the token
     * @return the subject
     * @throws IllegalArgumentException when the token was not made by {@link #encode}
     */
    public static String decode(String token) {
        if (token.equals(String.valueOf(ESCAPE))) {
            return "";
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == ESCAPE) {
                if (i + 2 >= token.length()) {
                    throw new IllegalArgumentException("truncated escape in subject token " + token);
                }
                bytes.write(Integer.parseInt(token, i + 1, i + 3, 16));
                i += 2;
            } else if (plain(c)) {
                bytes.write(c);
            } else {
                throw new IllegalArgumentException("unexpected character in subject token " + token);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean plain(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
