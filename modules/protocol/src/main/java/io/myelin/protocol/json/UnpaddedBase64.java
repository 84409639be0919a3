package io.myelin.protocol.json;

import java.util.Base64;

import io.myelin.protocol.ProtocolException;

/**
 * Unpadded Base64 as the spec's appendix defines it, in the standard and the URL-safe alphabet. Decoding
 * accepts input with or without padding, as the spec recommends, but nothing else (no line breaks, no
 * characters outside the alphabet).
 */
public final class UnpaddedBase64 {

    private static final Base64.Encoder STANDARD = Base64.getEncoder().withoutPadding();
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

    private UnpaddedBase64() {
    }

    /**
     * @param bytes the data
     * @return unpadded standard Base64
     */
    public static String encode(byte[] bytes) {
        return STANDARD.encodeToString(bytes);
    }

    /**
     * @param bytes the data
     * @return unpadded URL-safe Base64
     */
    public static String encodeUrlSafe(byte[] bytes) {
        return URL_SAFE.encodeToString(bytes);
    }

    /**
     * Decodes standard Base64, padded or not.
     *
     * @param text the encoded data
     * @return the bytes
     * @throws ProtocolException when the text is not Base64
     */
    public static byte[] decode(String text) {
        return decode(text, Base64.getDecoder(), "Base64");
    }

    /**
     * Decodes URL-safe Base64, padded or not.
     *
     * @param text the encoded data
     * @return the bytes
     * @throws ProtocolException when the text is not URL-safe Base64
     */
    public static byte[] decodeUrlSafe(String text) {
        return decode(text, Base64.getUrlDecoder(), "URL-safe Base64");
    }

    private static byte[] decode(String text, Base64.Decoder decoder, String what) {
        // The JDK decoder accepts missing padding but refuses a dangling single character and bad padding.
        if (text.length() % 4 == 1) {
            throw new ProtocolException("invalid " + what + ": impossible length");
        }
        try {
            return decoder.decode(text);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("invalid " + what, e);
        }
    }
}
