package io.myelin.protocol.id;

import java.util.Optional;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;

/**
 * A room id (appendix, "Room IDs"): {@code !opaque:server_name} up to room version 11, and from version 12
 * the create event's id with the sigil {@code !}: a URL-safe unpadded Base64 SHA-256 hash and no server.
 *
 * @param opaque the part between the sigil and the server name (or the hash)
 * @param serverName the server part, absent in the hash form
 */
public record RoomId(String opaque, Optional<ServerName> serverName) {

    /**
     * Parses a room id of either form, for callers that do not yet know the room version.
     *
     * @param text the room id
     * @return the room id
     * @throws ProtocolException when it is neither form
     */
    public static RoomId parse(String text) {
        Grammar.checkSigil("room id", text, '!');
        Grammar.checkLength("room id", text);
        if (text.indexOf(':') < 0) {
            String hash = text.substring(1);
            if (!Grammar.isBase64Hash(hash, true)) {
                throw new ProtocolException("room id must be !opaque:server or ! and a URL-safe Base64 hash");
            }
            return new RoomId(hash, Optional.empty());
        }
        int colon = Grammar.domainSeparator("room id", text);
        String opaque = text.substring(1, colon);
        Grammar.checkOpaqueLocalpart("room id", opaque);
        return new RoomId(opaque, Optional.of(ServerName.parse(text.substring(colon + 1))));
    }

    /**
     * Parses a room id of the form a room version uses.
     *
     * @param text the room id
     * @param version the room version
     * @return the room id
     * @throws ProtocolException when it does not have the version's form
     */
    public static RoomId parse(String text, RoomVersion version) {
        RoomId id = parse(text);
        if (version.v12Rules() == id.serverName.isPresent()) {
            throw new ProtocolException(version.v12Rules()
                    ? "room version " + version.id() + " room ids are a hash without a server name"
                    : "room version " + version.id() + " room ids need a server name");
        }
        return id;
    }

    /** @return whether this is the version 12 hash form */
    public boolean isHash() {
        return serverName.isEmpty();
    }

    @Override
    public String toString() {
        return serverName.map(s -> "!" + opaque + ":" + s).orElse("!" + opaque);
    }
}
