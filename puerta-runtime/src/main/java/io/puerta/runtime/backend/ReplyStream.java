package io.puerta.runtime.backend;

import io.netty.buffer.ByteBuf;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a subscriber's backend connection sends, on its way to the client: replies and pushed messages, in the order
 * the backend sent them. Filled on the backend's event loop, emptied on the client's. Bounded: past
 * {@link #HIGH_WATER} bytes waiting, the backend connection stops reading (TCP pushes back on the server, whose own
 * output limit for subscribers then applies) until the client has taken them down to {@link #LOW_WATER}.
 */
public final class ReplyStream {

    static final long HIGH_WATER = 4L << 20;
    static final long LOW_WATER = 1L << 20;

    private final Queue<ByteBuf> frames = new ConcurrentLinkedQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final ReplyListener listener;
    private volatile Runnable resume;
    private volatile boolean paused;
    private volatile String endReason;
    private volatile boolean ended;
    private volatile boolean closed;
    private volatile boolean expectingEnd;

    public ReplyStream(ReplyListener listener) {
        this.listener = listener;
    }

    /**
     * Adds a frame from the backend; the stream owns it. Returns false when the backend connection should stop
     * reading until {@code resume} runs.
     */
    public boolean push(ByteBuf frame, Runnable resume) {
        long size = queued.addAndGet(frame.readableBytes());
        frames.add(frame);
        if (closed) {
            releaseAll(); // the client is gone: nobody will take it
            return true;
        }
        listener.replyReady();
        if (size >= HIGH_WATER) {
            this.resume = resume;
            paused = true;
            return false;
        }
        return true;
    }

    /**
     * Ends the stream: once the frames already here are written, the client is sent {@code reason} as an error (if
     * not null) and disconnected.
     */
    public void end(String reason) {
        endReason = expectingEnd ? null : reason;
        ended = true;
        listener.replyReady();
    }

    /** The client asked the server to hang up (QUIT): the end that follows is not an error. */
    public void expectEnd() {
        expectingEnd = true;
    }

    /** The next frame for the client, or null. Client event loop only. */
    public ByteBuf poll() {
        ByteBuf frame = frames.poll();
        if (frame != null && queued.addAndGet(-frame.readableBytes()) <= LOW_WATER && paused) {
            paused = false;
            Runnable hook = resume;
            if (hook != null) {
                hook.run();
            }
        }
        return frame;
    }

    /** Whether the stream has ended and every frame was taken. */
    public boolean finished() {
        return ended && frames.isEmpty();
    }

    public String endReason() {
        return endReason;
    }

    /** Drops what is still queued (the client closed). */
    public void close() {
        closed = true;
        releaseAll();
    }

    private void releaseAll() {
        ByteBuf frame;
        while ((frame = frames.poll()) != null) {
            queued.addAndGet(-frame.readableBytes());
            frame.release();
        }
    }
}
