package io.puerta.plugin.mongo.affinity.routing;

import io.puerta.spi.backend.Backend;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Which mongos each identity is kept on: bounded (least recently used entries go first) and expiring (an entry idle
 * longer than the timeout is forgotten, so a returning client is balanced anew). Routing stage only; {@link #size}
 * may be read from any thread.
 */
final class AffinityTable {

    private final int maxEntries;
    private final long idleNanos;
    private final LongSupplier clock;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private volatile int size;

    AffinityTable(int maxEntries, long idleNanos, LongSupplier clock) {
        this.maxEntries = maxEntries;
        this.idleNanos = idleNanos;
        this.clock = clock;
    }

    /** The identity's mongos, if it has one that has not expired; using it keeps it. */
    Backend get(String identity) {
        long now = clock.getAsLong();
        expire(now);
        Entry entry = entries.get(identity);
        if (entry == null) {
            return null;
        }
        entry.lastUsed = now;
        return entry.backend;
    }

    void put(String identity, Backend backend) {
        long now = clock.getAsLong();
        entries.put(identity, new Entry(backend, now));
        if (entries.size() > maxEntries) {
            Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
        size = entries.size();
    }

    int size() {
        return size;
    }

    /** Drops expired entries from the least recently used end: amortized, a few per call at most. */
    private void expire(long now) {
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Entry eldest = it.next().getValue();
            if (now - eldest.lastUsed <= idleNanos) {
                break;
            }
            it.remove();
        }
        size = entries.size();
    }

    private static final class Entry {
        final Backend backend;
        long lastUsed;

        Entry(Backend backend, long lastUsed) {
            this.backend = backend;
            this.lastUsed = lastUsed;
        }
    }
}
