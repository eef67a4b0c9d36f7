package io.puerta.runtime.frontdoor;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One kind of per-connection warning (a malformed message, a refused connection) that a flood must not turn into a
 * flood of log lines: logged at WARN at most once per interval, with how many like it came since, and at DEBUG
 * otherwise. Any thread.
 */
public final class QuietWarning {

    private static final long EVERY_NANOS = 10_000_000_000L;

    private final Logger log;
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - EVERY_NANOS);
    private final AtomicLong sinceWarning = new AtomicLong();

    public QuietWarning(Logger log) {
        this.log = log;
    }

    /** Logs {@code message} (already formatted): WARN if none was logged in the last 10 s, else DEBUG. */
    public void warn(String message) {
        long count = sinceWarning.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            sinceWarning.addAndGet(-count);
            log.warn("{} ({} like it since the last such warning; the others at DEBUG)", message, count);
        } else {
            log.debug(message);
        }
    }
}
