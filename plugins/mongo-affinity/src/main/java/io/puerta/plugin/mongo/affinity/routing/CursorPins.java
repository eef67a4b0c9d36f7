package io.puerta.plugin.mongo.affinity.routing;

import io.puerta.spi.backend.Backend;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Which mongos holds each open cursor. Cursor ids are unique per mongos only: two mongos may hand out the same id
 * (small integers, in some servers), so a pin is kept per client identity (its session, in the per-message mode)
 * and id, never per id alone: a cursor that ends for one client never removes or redirects another's. Written from
 * backend I/O threads (a reply opened a cursor) and the routing stage (killCursors), read on the routing stage
 * (getMore): a concurrent map. Bounded: cursors idle longer than a mongos keeps them are swept out, and past the
 * maximum the least useful go first.
 */
final class CursorPins {

    private static final int SWEEP_EVERY = 1024;

    /** A cursor as a client knows it: its identity (null when it has none) and the id its mongos gave. */
    record Key(String identity, long cursorId) {}

    private final ConcurrentHashMap<Key, Pin> pins = new ConcurrentHashMap<>();
    private final int maxPins;
    private final long idleNanos;
    private final LongSupplier clock;
    private final AtomicInteger untilSweep = new AtomicInteger(SWEEP_EVERY);

    CursorPins(int maxPins, long idleNanos, LongSupplier clock) {
        this.maxPins = maxPins;
        this.idleNanos = idleNanos;
        this.clock = clock;
    }

    void pin(String identity, long cursorId, Backend backend) {
        pins.put(new Key(identity, cursorId), new Pin(backend, clock.getAsLong()));
        if (untilSweep.decrementAndGet() <= 0 || pins.size() > maxPins) {
            untilSweep.set(SWEEP_EVERY);
            sweep();
        }
    }

    /** The cursor's mongos, or null when the proxy does not know the cursor. */
    Backend get(String identity, long cursorId) {
        Pin pin = pins.get(new Key(identity, cursorId));
        if (pin == null) {
            return null;
        }
        pin.lastUsed = clock.getAsLong();
        return pin.backend;
    }

    void unpin(String identity, long cursorId) {
        pins.remove(new Key(identity, cursorId));
    }

    int size() {
        return pins.size();
    }

    private void sweep() {
        long now = clock.getAsLong();
        pins.values().removeIf(pin -> now - pin.lastUsed > idleNanos);
        Iterator<Map.Entry<Key, Pin>> it = pins.entrySet().iterator();
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
