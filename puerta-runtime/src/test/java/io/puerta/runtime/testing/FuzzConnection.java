package io.puerta.runtime.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** One fuzzing client connection of the fault suite: a batch of frames, a half-close, then whatever comes back. */
public final class FuzzConnection {

    private FuzzConnection() {}

    /**
     * Sends {@code batch} on a new connection, half-closes it, and reads until the proxy closes it (after its answers,
     * or on its first protocol error).
     *
     * @return whether it hung: 5 s passed with neither a byte nor the close
     */
    public static boolean hangs(int port, byte[] batch) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(5_000);
            try {
                socket.getOutputStream().write(batch);
                socket.shutdownOutput();
            } catch (IOException closedEarly) {
                return false; // the proxy closed on a bad frame before reading everything: an end
            }
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[65536];
            while (in.read(buffer) >= 0) {
                // the answers, then the close
            }
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false; // reset by the proxy after a protocol error: an end
        }
    }
}
