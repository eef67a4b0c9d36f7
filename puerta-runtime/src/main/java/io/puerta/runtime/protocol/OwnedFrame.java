package io.puerta.runtime.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A decoded message that owns its bytes, as received, until it hands them on ({@link #takeFrame}: forwarded
 * unchanged, zero copy) or releases them. Every protocol's requests are such frames, so ownership reads the same
 * everywhere: exactly one of {@code takeFrame} or {@link #release} ends it, and release after take is a no-op.
 */
public abstract class OwnedFrame {

    private ByteBuf frame;

    protected OwnedFrame(ByteBuf frame) {
        this.frame = frame;
    }

    /** The bytes, still owned by this message; null once taken or released. */
    public final ByteBuf frame() {
        return frame;
    }

    /** Hands the bytes to the caller, who must release them; this message no longer owns them. */
    public final ByteBuf takeFrame() {
        ByteBuf taken = frame;
        frame = null;
        return taken;
    }

    /** Releases the bytes if this message still owns them. */
    public final void release() {
        ByteBuf owned = frame;
        frame = null;
        if (owned != null) {
            owned.release();
        }
    }
}
