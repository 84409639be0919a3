package io.myelin.protocol.id;

import java.nio.charset.StandardCharsets;

import io.myelin.protocol.ProtocolException;

/**
 * Device ids. The spec gives them no grammar (they are opaque and clients may choose them at login), so
 * Myelin only refuses what cannot be stored or shown safely: the empty string, more than 255 bytes,
 * control characters and lone surrogates.
 */
public final class DeviceId {

    private DeviceId() {
    }

    /**
     * @param text the device id
     * @return the device id
     * @throws ProtocolException when it is empty, too long or holds control characters
     */
    public static String check(String text) {
        if (text.isEmpty()) {
            throw new ProtocolException("device id is empty");
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > Grammar.MAX_BYTES) {
            throw new ProtocolException("device id is longer than " + Grammar.MAX_BYTES + " bytes");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                throw new ProtocolException("device id contains a control character");
            }
        }
        Grammar.checkOpaqueLocalpart("device id", text.replace(':', '_'));
        return text;
    }
}
