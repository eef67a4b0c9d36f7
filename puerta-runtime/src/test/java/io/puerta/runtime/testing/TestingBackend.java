package io.puerta.runtime.testing;

import io.puerta.spi.backend.Backend;
import io.puerta.spi.backend.BackendHealth;
import io.puerta.spi.backend.BackendRole;

/** A hand-written {@link Backend} for SPI-level tests: a standalone server at an address, health unknown. */
public record TestingBackend(String host, int port) implements Backend {

    /** A backend on the loopback address. */
    public static TestingBackend loopback(int port) {
        return new TestingBackend("127.0.0.1", port);
    }

    @Override
    public String name() {
        return address();
    }

    @Override
    public int weight() {
        return 1;
    }

    @Override
    public BackendRole role() {
        return BackendRole.STANDALONE;
    }

    @Override
    public BackendHealth health() {
        return BackendHealth.UNKNOWN;
    }
}
