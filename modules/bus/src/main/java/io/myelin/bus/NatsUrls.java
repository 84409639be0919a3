package io.myelin.bus;

/**
 * Shows NATS URLs in logs and messages without the user name or password they may carry.
 */
public final class NatsUrls {

    private NatsUrls() {
    }

    /**
     * Removes the user information of a URL: {@code nats://user:secret@host:4222} becomes
     * {@code nats://***@host:4222}.
     *
     * @param url the URL
     * @return the URL without credentials
     */
    public static String redact(String url) {
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return url;
        }
        return url.substring(0, scheme + 3) + "***" + url.substring(at);
    }
}
