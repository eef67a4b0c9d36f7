package io.puerta.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on the loopback address. */
public final class FreePorts {

    private FreePorts() {}

    public static int next() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A free port for a Redis Cluster node: at most 55535, with its cluster bus port (10000 higher) free too, since
     * redis-server refuses higher ports and aborts when the bus port is taken.
     */
    public static int clusterNode() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = next();
            if (port <= 55535 && free(port + 10000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair (p, p + 10000) found on the loopback address");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
