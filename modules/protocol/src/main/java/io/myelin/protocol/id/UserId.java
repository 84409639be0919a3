package io.myelin.protocol.id;

import io.myelin.protocol.ProtocolException;

/**
 * A user id, {@code @localpart:server_name} (appendix, "User Identifiers"). {@link #parse} accepts the
 * historical grammar that servers and clients must still accept (any code point but {@code :} and NUL,
 * even an empty localpart); {@link #isCompliant()} says whether the id follows today's grammar, which
 * {@link #parseCompliant} requires, as for ids this server creates.
 *
 * @param localpart the localpart
 * @param serverName the server part
 */
public record UserId(String localpart, ServerName serverName) {

    /**
     * Parses a user id with the historical grammar.
     *
     * @param text the user id
     * @return the user id
     * @throws ProtocolException when it is not a user id
     */
    public static UserId parse(String text) {
        Grammar.checkSigil("user id", text, '@');
        Grammar.checkLength("user id", text);
        int colon = Grammar.domainSeparator("user id", text);
        String localpart = text.substring(1, colon);
        Grammar.checkOpaqueLocalpart("user id", localpart);
        return new UserId(localpart, ServerName.parse(text.substring(colon + 1)));
    }

    /**
     * Parses a user id that must follow the current grammar: localpart of {@code a-z 0-9 . _ = - / +}.
     *
     * @param text the user id
     * @return the user id
     * @throws ProtocolException when it is not a compliant user id
     */
    public static UserId parseCompliant(String text) {
        UserId id = parse(text);
        if (!isCompliantLocalpart(id.localpart)) {
            throw new ProtocolException(
                    "user id localpart may contain only a-z, 0-9, '.', '_', '=', '-', '/' and '+'");
        }
        return id;
    }

    /**
     * @param text a candidate user id
     * @return whether it is a user id under the historical grammar
     */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (ProtocolException e) {
            return false;
        }
    }

    /**
     * @param localpart a candidate localpart
     * @return whether it follows the current grammar
     */
    public static boolean isCompliantLocalpart(String localpart) {
        if (localpart.isEmpty()) {
            return false;
        }
        for (int i = 0; i < localpart.length(); i++) {
            char c = localpart.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '.' || c == '_' || c == '=' || c == '-' || c == '/' || c == '+';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return whether the localpart follows the current grammar. Ids with characters outside U+0021..U+007E
     *     or an empty localpart are non-compliant; servers still accept them in events but should not pass
     *     them on outside events
     */
    public boolean isCompliant() {
        return isCompliantLocalpart(localpart);
    }

    @Override
    public String toString() {
        return "@" + localpart + ":" + serverName;
    }
}
