package io.myelin.protocol.id;

import java.util.OptionalInt;

import io.myelin.protocol.ProtocolException;

/**
 * A server name (appendix, "Server Name"): a DNS name, a dotted-quad IPv4 literal or a bracketed IPv6
 * literal, with an optional port. Compared case-sensitively, as the spec requires.
 *
 * @param host the host part as written (IPv6 literals keep their brackets)
 * @param port the port, or -1 when none is given
 */
public record ServerName(String host, int port) {

    /** The grammar's limit on a DNS name. */
    private static final int MAX_DNS_NAME = 255;

    /**
     * Parses a server name.
     *
     * @param text the server name, for example {@code matrix.org:8448} or {@code [::1]}
     * @return the server name
     * @throws ProtocolException when it does not follow the grammar
     */
    public static ServerName parse(String text) {
        if (text.isEmpty()) {
            throw new ProtocolException("server name is empty");
        }
        String host;
        String portText = null;
        if (text.charAt(0) == '[') {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new ProtocolException("server name has an unclosed IPv6 literal");
            }
            host = text.substring(0, close + 1);
            checkIpv6(host.substring(1, close));
            if (close + 1 < text.length()) {
                if (text.charAt(close + 1) != ':') {
                    throw new ProtocolException("server name has text after its IPv6 literal");
                }
                portText = text.substring(close + 2);
            }
        } else {
            int colon = text.indexOf(':');
            host = colon < 0 ? text : text.substring(0, colon);
            portText = colon < 0 ? null : text.substring(colon + 1);
            checkHost(host);
        }
        return new ServerName(host, portText == null ? -1 : parsePort(portText));
    }

    /**
     * @param text a candidate server name
     * @return whether it follows the grammar
     */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (ProtocolException e) {
            return false;
        }
    }

    /** @return the explicit port, if any */
    public OptionalInt explicitPort() {
        return port < 0 ? OptionalInt.empty() : OptionalInt.of(port);
    }

    /** @return whether the host is an IP literal (which skips well-known and SRV discovery) */
    public boolean isIpLiteral() {
        return host.startsWith("[") || isIpv4(host);
    }

    @Override
    public String toString() {
        return port < 0 ? host : host + ":" + port;
    }

    private static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ProtocolException("server name port must be 1 to 5 digits");
        }
        int port = Integer.parseInt(text);
        if (port > 65535) {
            throw new ProtocolException("server name port is out of range");
        }
        return port;
    }

    private static void checkHost(String host) {
        if (host.isEmpty()) {
            throw new ProtocolException("server name has an empty host");
        }
        if (host.length() > MAX_DNS_NAME) {
            throw new ProtocolException("server name host is longer than " + MAX_DNS_NAME + " characters");
        }
        if (looksLikeIpv4(host)) {
            if (!isIpv4(host)) {
                throw new ProtocolException("IPv4 literal parts must be 0 to 255");
            }
            return;
        }
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty()) {
                throw new ProtocolException("server name has an empty DNS label");
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                    throw new ProtocolException("server name may contain only letters, digits, '-' and '.'");
                }
            }
        }
    }

    private static boolean looksLikeIpv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv4(String host) {
        if (!looksLikeIpv4(host)) {
            return false;
        }
        for (String part : host.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** RFC 3513 section 2.2: up to eight groups of 1-4 hex digits, one "::", optionally an IPv4 tail. */
    private static void checkIpv6(String address) {
        if (address.length() < 2 || address.length() > 45) {
            throw new ProtocolException("IPv6 literal must have 2 to 45 characters");
        }
        String body = address;
        int groupsNeeded = 8;
        int lastColon = body.lastIndexOf(':');
        if (body.indexOf('.') >= 0) {
            if (!isIpv4(body.substring(lastColon + 1))) {
                throw new ProtocolException("IPv6 literal has a malformed IPv4 tail");
            }
            body = body.substring(0, lastColon + 1) + "0";
            groupsNeeded = 7;
        }
        int doubleColon = body.indexOf("::");
        if (doubleColon >= 0 && body.indexOf("::", doubleColon + 1) >= 0) {
            throw new ProtocolException("IPv6 literal has more than one '::'");
        }
        String[] groups = doubleColon >= 0
                ? (body.substring(0, doubleColon) + ":x:" + body.substring(doubleColon + 2)).split(":", -1)
                : body.split(":", -1);
        int count = 0;
        for (int i = 0; i < groups.length; i++) {
            String group = groups[i];
            if (group.equals("x")) {
                continue;
            }
            // "::" at the very start or end leaves one empty group beside it, and only there.
            boolean besideGap = (i == 0 && groups.length > 1 && groups[1].equals("x"))
                    || (i == groups.length - 1 && i > 0 && groups[i - 1].equals("x"));
            if (group.isEmpty() && besideGap) {
                continue;
            }
            if (group.isEmpty() || group.length() > 4 || !group.chars().allMatch(c -> Character.digit(c, 16) >= 0
                    && c < 0x80)) {
                throw new ProtocolException("IPv6 literal has a malformed group");
            }
            count++;
        }
        int expected = groupsNeeded == 7 ? 7 : 8;
        if (doubleColon < 0 ? count != expected : count >= expected) {
            throw new ProtocolException("IPv6 literal has the wrong number of groups");
        }
    }
}
