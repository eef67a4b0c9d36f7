package io.puerta.spi.health;

import io.puerta.spi.backend.Backend;
import java.time.Duration;

/**
 * Probes one backend. The runtime calls {@link #check} on its own health-check threads, never on an event loop, so
 * a checker may use plain blocking sockets; it must give up within {@code timeout}. Checks of different backends
 * run in parallel.
 */
public interface HealthChecker extends AutoCloseable {

    /** Probes {@code backend}. An exception counts as a failed check whose message is the reason. */
    HealthResult check(Backend backend, Duration timeout) throws Exception;

    @Override
    default void close() {}
}
