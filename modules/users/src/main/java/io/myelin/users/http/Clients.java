package io.myelin.users.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.helidon.webserver.http.ServerRequest;

/**
 * Facts about the client behind a request.
 */
final class Clients {

    private Clients() {
    }

    /**
     * The address the connection comes from. Behind a reverse proxy this is the proxy's address.
     *
     * @param request the request
     * @return the IP address as text
     */
    static String ip(ServerRequest request) {
        SocketAddress address = request.remotePeer().address();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }
}
