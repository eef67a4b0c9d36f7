package io.puerta.runtime.access;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: failed logins from one address beyond the first few are answered later and later
 * (doubling up to a cap), a success clears the count, and an address that stops failing is forgotten. Bounded:
 * beyond {@link #MAX_SOURCES} addresses the idle ones go first, then all. Any thread.
 */
final class FailureThrottle {

    static final int MAX_SOURCES = 10_000;
    private static final long FORGET_AFTER_NANOS = Duration.ofMinutes(10).toNanos();
    private static final long FIRST_DELAY_MILLIS = 100;

    private record Failures(int count, long lastNanos) {}

    private final int freeFailures;
    private final long maxDelayMillis;
    private final Map<String, Failures> bySource = new ConcurrentHashMap<>();

    FailureThrottle(int freeFailures, Duration maxDelay) {
        this.freeFailures = freeFailures;
        this.maxDelayMillis = maxDelay.toMillis();
    }

    /** Records a failure from {@code source}; returns how long to wait before answering it, in milliseconds. */
    long failed(String source) {
        long now = System.nanoTime();
        if (bySource.size() >= MAX_SOURCES) {
            bySource.values()
                    .removeIf(f -> now - f.lastNanos > Duration.ofMinutes(1).toNanos());
            if (bySource.size() >= MAX_SOURCES) {
                bySource.clear();
            }
        }
        Failures failures = bySource.compute(source, (k, old) -> {
            int count = old == null || now - old.lastNanos > FORGET_AFTER_NANOS ? 1 : old.count + 1;
            return new Failures(count, now);
        });
        int beyond = failures.count - freeFailures;
        if (beyond <= 0) {
            return 0;
        }
        long delay = FIRST_DELAY_MILLIS << Math.min(beyond - 1, 20);
        return Math.min(delay, maxDelayMillis);
    }

    void succeeded(String source) {
        bySource.remove(source);
    }
}
