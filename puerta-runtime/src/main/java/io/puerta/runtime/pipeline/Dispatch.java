package io.puerta.runtime.pipeline;

import io.puerta.runtime.backend.BackendConnection;
import io.puerta.runtime.backend.ReplySlot;
import java.util.ArrayList;
import java.util.List;

/**
 * The backend writes of one routing batch. Requests staged here reach each backend connection's event loop
 * together when the batch ends (or every {@code max-batch} requests), so many clients' requests cost one hand-off,
 * one write and one flush per connection. Routing stage only.
 */
public final class Dispatch {

    private final List<BackendConnection> dirty = new ArrayList<>();
    private final int maxBatch;
    private int sinceFlush;
    private volatile java.util.function.LongConsumer batchSizes = size -> {};

    Dispatch(int maxBatch) {
        this.maxBatch = maxBatch;
    }

    /** Adds {@code slot}, which holds its request bytes, to what {@code connection} sends with this batch. */
    public void stage(BackendConnection connection, ReplySlot slot) {
        if (connection.stage(slot)) {
            dirty.add(connection);
        }
    }

    /** Where each batch's size goes (metrics), from now on. */
    void observeBatches(java.util.function.LongConsumer sizes) {
        this.batchSizes = sizes;
    }

    /** Counts one routed message; whether the batch is full and should be flushed now. */
    boolean countAndCheckFull() {
        return ++sinceFlush >= maxBatch;
    }

    /** Hands every staged write to its connection's event loop. */
    void flush() {
        if (sinceFlush > 0) {
            batchSizes.accept(sinceFlush);
        }
        sinceFlush = 0;
        for (int i = 0; i < dirty.size(); i++) {
            dirty.get(i).flush();
        }
        dirty.clear();
    }
}
