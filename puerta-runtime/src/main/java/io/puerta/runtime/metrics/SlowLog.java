package io.puerta.runtime.metrics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests slower end to end (read from the client to reply written) than a threshold, the newest first, in a
 * bounded buffer: what {@code SLOWLOG GET} answers through the proxy and {@code /status} shows. Entries name the
 * command and how many arguments it had, never their values (they may be secrets or personal data). Any thread.
 */
public final class SlowLog {

    /**
     * One slow request.
     *
     * @param atMillis when it was answered (epoch millis)
     */
    public record Entry(long id, long atMillis, long micros, String command, int argCount, String client) {}

    private final long thresholdNanos;
    private final int capacity;
    private final ArrayDeque<Entry> entries;
    private long nextId;

    /** @param thresholdNanos slower than this is logged; negative: nothing is */
    public SlowLog(long thresholdNanos, int capacity) {
        this.thresholdNanos = thresholdNanos;
        this.capacity = capacity;
        this.entries = new ArrayDeque<>(Math.min(capacity, 128));
    }

    /** Whether a request that took {@code nanos} belongs here (cheap: called for every reply). */
    public boolean isSlow(long nanos) {
        return thresholdNanos >= 0 && nanos > thresholdNanos && capacity > 0;
    }

    public synchronized void add(long nanos, String command, int argCount, String client) {
        if (entries.size() >= capacity) {
            entries.pollLast();
        }
        entries.addFirst(new Entry(nextId++, System.currentTimeMillis(), nanos / 1000, command, argCount, client));
    }

    /** The newest {@code count} entries (all with a negative count), newest first. */
    public synchronized List<Entry> newest(int count) {
        List<Entry> newest = new ArrayList<>();
        for (Entry entry : entries) {
            if (count >= 0 && newest.size() >= count) {
                break;
            }
            newest.add(entry);
        }
        return newest;
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized void reset() {
        entries.clear();
    }
}
