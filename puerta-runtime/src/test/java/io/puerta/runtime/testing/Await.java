package io.puerta.runtime.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The tests' one way to wait: until a condition holds, polling it, or fail naming what never happened. Tests
 * synchronise on conditions (a client blocked on the server, a backend marked down), never on fixed sleeps.
 */
public final class Await {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 10;

    private Await() {}

    /** Waits up to 30 s until {@code condition} holds. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT_TIMEOUT, condition);
    }

    /**
     * Waits up to {@code timeout} until {@code condition} holds; a condition that throws counts as not holding yet.
     *
     * @throws AssertionError naming {@code what} when it never held
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                AssertionError failure =
                        new AssertionError("timed out after " + timeout.toMillis() + " ms waiting until " + what);
                if (last != null) {
                    failure.initCause(last);
                }
                throw failure;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + what, e);
            }
        }
    }
}
