package io.puerta.plugin.mongo.affinity.routing;

import io.puerta.spi.backend.Backend;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Which mongos holds each open cursor. Written from backend I/O threads (a reply opened a cursor) and the routing
 * stage (killCursors), read on the routing stage (getMore): a concurrent map. Bounded: cursors idle longer than a
 * mongos keeps them are swept out, and past the maximum the least useful go first.
 */
final class CursorPins {

    private static final int SWEEP_EVERY = 1024;

    private final ConcurrentHashMap<Long, Pin> pins = new ConcurrentHashMap<>();
    private final int maxPins;
    private final long idleNanos;
    private final LongSupplier clock;
    private final AtomicInteger untilSweep = new AtomicInteger(SWEEP_EVERY);

    CursorPins(int maxPins, long idleNanos, LongSupplier clock) {
        this.maxPins = maxPins;
        this.idleNanos = idleNanos;
        this.clock = clock;
    }

    void pin(long cursorId, Backend backend) {
        pins.put(cursorId, new Pin(backend, clock.getAsLong()));
        if (untilSweep.decrementAndGet() <= 0 || pins.size() > maxPins) {
            untilSweep.set(SWEEP_EVERY);
            sweep();
        }
    }

    /** The cursor's mongos, or null when the proxy does not know the cursor. */
    Backend get(long cursorId) {
        Pin pin = pins.get(cursorId);
        if (pin == null) {
            return null;
        }
        pin.lastUsed = clock.getAsLong();
        return pin.backend;
    }

    void unpin(long cursorId) {
        pins.remove(cursorId);
    }

    int size() {
        return pins.size();
    }

    private void sweep() {
        long now = clock.getAsLong();
        pins.values().removeIf(pin -> now - pin.lastUsed > idleNanos);
        Iterator<Map.Entry<Long, Pin>> it = pins.entrySet().iterator();
        while (pins.size() > maxPins && it.hasNext()) {
            it.next();
            it.remove(); // over the bound even after expiry: drop some; their getMore gets CursorNotFound
        }
    }

    private static final class Pin {
        final Backend backend;
        volatile long lastUsed;

        Pin(Backend backend, long lastUsed) {
            this.backend = backend;
            this.lastUsed = lastUsed;
        }
    }
}
