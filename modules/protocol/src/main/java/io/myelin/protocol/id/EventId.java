package io.myelin.protocol.id;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;

/**
 * Event id checks for each {@link RoomVersion.EventIdFormat} (appendix, "Event IDs"; room versions'
 * "Event IDs" sections): {@code $opaque:server_name} in versions 1-2, {@code $} and a standard Base64
 * hash in version 3, {@code $} and a URL-safe Base64 hash from version 4. At most 255 bytes.
 */
public final class EventId {

    private EventId() {
    }

    /**
     * Checks an event id against the format of a room version.
     *
     * @param text the event id
     * @param version the room version
     * @return the event id
     * @throws ProtocolException when it does not have the version's format
     */
    public static String check(String text, RoomVersion version) {
        Grammar.checkSigil("event id", text, '$');
        Grammar.checkLength("event id", text);
        switch (version.eventIdFormat()) {
            case SERVER_SCOPED -> {
                int colon = Grammar.domainSeparator("event id", text);
                Grammar.checkOpaqueLocalpart("event id", text.substring(1, colon));
                ServerName.parse(text.substring(colon + 1));
            }
            case BASE64 -> {
                if (!Grammar.isBase64Hash(text.substring(1), false)) {
                    throw new ProtocolException("room version 3 event ids are $ and 43 Base64 characters");
                }
            }
            case URL_SAFE_BASE64 -> {
                if (!Grammar.isBase64Hash(text.substring(1), true)) {
                    throw new ProtocolException("room version " + version.id()
                            + " event ids are $ and 43 URL-safe Base64 characters");
                }
            }
        }
        return text;
    }

    /**
     * @param text a candidate event id
     * @param version the room version
     * @return whether it has the version's format
     */
    public static boolean isValid(String text, RoomVersion version) {
        try {
            check(text, version);
            return true;
        } catch (ProtocolException e) {
            return false;
        }
    }
}
