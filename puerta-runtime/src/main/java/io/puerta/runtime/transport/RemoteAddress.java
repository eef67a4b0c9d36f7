package io.puerta.runtime.transport;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/** A client channel's remote IP address as text (no port, no name lookup) and port, for every protocol's handler. */
public record RemoteAddress(String host, int port) {

    public static RemoteAddress of(Channel channel) {
        if (channel.remoteAddress() instanceof InetSocketAddress remote) {
            String host = remote.getAddress() == null
                    ? remote.getHostString()
                    : remote.getAddress().getHostAddress();
            return new RemoteAddress(host, remote.getPort());
        }
        return new RemoteAddress(String.valueOf(channel.remoteAddress()), 0);
    }
}
