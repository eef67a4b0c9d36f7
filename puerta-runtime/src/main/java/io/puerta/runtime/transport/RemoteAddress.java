package io.puerta.runtime.transport;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/** A client channel's remote (or local) IP address as text (no port, no name lookup) and port, for every protocol's handler. */
public record RemoteAddress(String host, int port) {

    public static RemoteAddress of(Channel channel) {
        return of(channel.remoteAddress());
    }

    /** The address of the proxy's end of {@code channel} (the listener the client reached). */
    public static RemoteAddress local(Channel channel) {
        return of(channel.localAddress());
    }

    private static RemoteAddress of(java.net.SocketAddress address) {
        if (address instanceof InetSocketAddress remote) {
            String host = remote.getAddress() == null
                    ? remote.getHostString()
                    : remote.getAddress().getHostAddress();
            return new RemoteAddress(host, remote.getPort());
        }
        return new RemoteAddress(String.valueOf(address), 0);
    }

    /** host:port, as Redis shows addresses (CLIENT LIST). */
    public String hostPort() {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
