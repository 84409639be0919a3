package io.myelin.protocol.id;

import io.myelin.protocol.ProtocolException;

/**
 * A room alias, {@code #localpart:server_name} (appendix, "Room Aliases").
 *
 * @param localpart the alias localpart: any code point but {@code :} and NUL
 * @param serverName the server that created the alias
 */
public record RoomAlias(String localpart, ServerName serverName) {

    /**
     * @param text the alias
     * @return the alias
     * @throws ProtocolException when it is not a room alias
     */
    public static RoomAlias parse(String text) {
        Grammar.checkSigil("room alias", text, '#');
        Grammar.checkLength("room alias", text);
        int colon = Grammar.domainSeparator("room alias", text);
        String localpart = text.substring(1, colon);
        Grammar.checkOpaqueLocalpart("room alias", localpart);
        return new RoomAlias(localpart, ServerName.parse(text.substring(colon + 1)));
    }

    @Override
    public String toString() {
        return "#" + localpart + ":" + serverName;
    }
}
