package io.puerta.runtime.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Times of a fault scenario: when the fault was made, when the cluster recovered from it by itself (a replica
 * promoted), and every error the load saw, so the report can say whether errors stayed inside the window the targets
 * allow. Thread-safe.
 */
public final class FaultClock {

    private final String recovery;
    private volatile long faultAt = Long.MIN_VALUE;
    private volatile long recoveredAt = Long.MIN_VALUE;
    private final List<Long> errors = Collections.synchronizedList(new ArrayList<>());
    private final List<String> samples = Collections.synchronizedList(new ArrayList<>());

    /** A clock whose recovery is a replica's promotion. */
    public FaultClock() {
        this("promotion");
    }

    /** @param recovery what the recovery is called in the report ("promotion", "resharding done") */
    public FaultClock(String recovery) {
        this.recovery = recovery;
    }

    public void fault() {
        faultAt = System.nanoTime();
    }

    public void recovered() {
        recoveredAt = System.nanoTime();
    }

    /** An error the load saw now; the first few messages are kept for the report. */
    public void error(String message) {
        errors.add(System.nanoTime());
        if (samples.size() < 5) {
            samples.add(message);
        }
    }

    public int errors() {
        return errors.size();
    }

    public List<String> samples() {
        return List.copyOf(samples);
    }

    /** Milliseconds from the fault to the recovery, or -1. */
    public long recoveryMillis() {
        return faultAt == Long.MIN_VALUE || recoveredAt == Long.MIN_VALUE
                ? -1
                : TimeUnit.NANOSECONDS.toMillis(recoveredAt - faultAt);
    }

    /** The latest error after the recovery, in ms after it; 0 or less when every error came before it. */
    public long lastErrorAfterRecoveryMillis() {
        synchronized (errors) {
            long last = errors.stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
            if (last == Long.MIN_VALUE || recoveredAt == Long.MIN_VALUE) {
                return last == Long.MIN_VALUE ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
            return TimeUnit.NANOSECONDS.toMillis(last - recoveredAt);
        }
    }

    /** Errors before the fault was made (the targets allow none). */
    public long errorsBeforeFault() {
        synchronized (errors) {
            return faultAt == Long.MIN_VALUE
                    ? errors.size()
                    : errors.stream().filter(t -> t < faultAt).count();
        }
    }

    /** "none", or "fault+120..+2300 ms, promotion at +2100 ms, last error promotion+200 ms". */
    public String window() {
        synchronized (errors) {
            if (errors.isEmpty()) {
                return recoveredAt == Long.MIN_VALUE
                        ? "no error"
                        : "no error (" + recovery + " at +" + recoveryMillis() + " ms)";
            }
            long first = errors.stream().mapToLong(Long::longValue).min().orElseThrow();
            long last = errors.stream().mapToLong(Long::longValue).max().orElseThrow();
            StringBuilder text = new StringBuilder("fault")
                    .append(signed(first - faultAt))
                    .append("..")
                    .append(signed(last - faultAt))
                    .append(" ms");
            if (recoveredAt != Long.MIN_VALUE) {
                text.append(", ")
                        .append(recovery)
                        .append(" at +")
                        .append(recoveryMillis())
                        .append(" ms, last error ")
                        .append(recovery)
                        .append(signed(last - recoveredAt))
                        .append(" ms");
            }
            return text.toString();
        }
    }

    private static String signed(long nanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        return (millis >= 0 ? "+" : "") + millis;
    }
}
