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

    private static final int BATCH_SAMPLE = 8;

    private final List<BackendConnection> dirty = new ArrayList<>();
    private final List<BackendConnection> outgoing = new ArrayList<>();
    private final List<List<ReplySlot>> outgoingBatches = new ArrayList<>();
    private final int maxBatch;
    private int sinceFlush;
    private int batches;
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

    /** Hands every staged write to its connection's event loop (or writes it, on the connection's own loop). */
    void flush() {
        detach();
        sendDetached();
    }

    /**
     * Takes every connection's staged batch, to be sent by {@link #sendDetached}: the {@code ring-per-loop} pipeline
     * detaches while it holds the routing lock and sends after releasing it, so no other I/O thread waits on a
     * syscall. Routing stage only.
     */
    void detach() {
        // one batch in BATCH_SAMPLE goes to the histogram: at pipeline 1 a batch is a few requests, and a sample
        // per batch cost 2% of the proxy's CPU (a lock-free reservoir's skip list)
        if (sinceFlush > 0 && batches++ % BATCH_SAMPLE == 0) {
            batchSizes.accept(sinceFlush);
        }
        sinceFlush = 0;
        for (int i = 0; i < dirty.size(); i++) {
            BackendConnection connection = dirty.get(i);
            List<ReplySlot> batch = connection.detachBatch();
            if (batch != null) {
                outgoing.add(connection);
                outgoingBatches.add(batch);
            }
        }
        dirty.clear();
    }

    /** Sends what {@link #detach} took. The thread that detached, with or without the routing lock. */
    void sendDetached() {
        for (int i = 0; i < outgoing.size(); i++) {
            outgoing.get(i).sendBatch(outgoingBatches.get(i));
        }
        outgoing.clear();
        outgoingBatches.clear();
    }
}
