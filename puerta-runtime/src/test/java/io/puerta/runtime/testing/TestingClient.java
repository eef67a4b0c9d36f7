package io.puerta.runtime.testing;

import io.puerta.spi.request.ClientInfo;

/** A hand-written {@link ClientInfo} for tests: a client connection on loopback. */
public record TestingClient(long connectionId, String remoteHost, int remotePort) implements ClientInfo {

    /** Client {@code connectionId} at 127.0.0.1:50000. */
    public static TestingClient loopback(long connectionId) {
        return new TestingClient(connectionId, "127.0.0.1", 50000);
    }
}
