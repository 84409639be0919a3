package io.myelin.protocol.id;

import java.nio.charset.StandardCharsets;

import io.myelin.protocol.ProtocolException;

/** Checks shared by the identifier types. */
final class Grammar {

    /** The appendix's limit on user ids, room ids, event ids and aliases, sigil and domain included. */
    static final int MAX_BYTES = 255;

    private Grammar() {
    }

    static void checkLength(String what, String id) {
        // Cheap bound first: a string of at most 63 chars cannot exceed 255 UTF-8 bytes.
        if (id.length() > 63 && id.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new ProtocolException(what + " is longer than " + MAX_BYTES + " bytes");
        }
    }

    static void checkSigil(String what, String id, char sigil) {
        if (id.isEmpty() || id.charAt(0) != sigil) {
            throw new ProtocolException(what + " must start with '" + sigil + "'");
        }
    }

    /**
     * The historical localpart grammar shared by user ids, room ids and aliases: any Unicode code point but
     * {@code :} and NUL, no lone surrogates.
     */
    static void checkOpaqueLocalpart(String what, String localpart) {
        for (int i = 0; i < localpart.length(); i++) {
            char c = localpart.charAt(i);
            if (c == ':' || c == 0) {
                throw new ProtocolException(what + " localpart must not contain ':' or NUL");
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < localpart.length()
                        && Character.isLowSurrogate(localpart.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new ProtocolException(what + " contains a lone surrogate");
            }
        }
    }

    /** Splits {@code &localpart:domain} at the first colon, which a localpart cannot contain. */
    static int domainSeparator(String what, String id) {
        int colon = id.indexOf(':', 1);
        if (colon < 0) {
            throw new ProtocolException(what + " must have the form " + id.charAt(0) + "localpart:domain");
        }
        return colon;
    }

    static boolean isBase64Hash(String text, boolean urlSafe) {
        // A SHA-256 hash in unpadded Base64 is 43 characters.
        if (text.length() != 43) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean common = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            boolean extra = urlSafe ? (c == '-' || c == '_') : (c == '+' || c == '/');
            if (!common && !extra) {
                return false;
            }
        }
        return true;
    }
}
