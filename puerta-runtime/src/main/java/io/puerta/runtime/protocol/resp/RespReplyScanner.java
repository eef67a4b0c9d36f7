package io.puerta.runtime.protocol.resp;

import io.netty.buffer.ByteBuf;

/**
 * Finds where one complete RESP2/RESP3 reply ends, nested aggregates included, without building any object. The
 * scan is incremental: state is kept between calls, so a large reply arriving in many reads is scanned once.
 * One instance scans one reply at a time; {@link #reset()} before the next.
 */
public final class RespReplyScanner {

    /** Result of {@link #scan} when more input is needed. */
    public static final int INCOMPLETE = -1;

    private int scanned;
    // Elements still to be seen before the reply is complete: aggregates add their children.
    private int remaining = 1;

    public void reset() {
        scanned = 0;
        remaining = 1;
    }

    /**
     * Scans the reply starting at {@code start} (the same start on every call until it completes).
     *
     * @return the reply's length in bytes, or {@link #INCOMPLETE}
     * @throws RespReplyException when the bytes are not RESP
     */
    public int scan(ByteBuf buf, int start) {
        int end = buf.writerIndex();
        while (remaining > 0) {
            int pos = start + scanned;
            if (pos >= end) {
                return INCOMPLETE;
            }
            byte type = buf.getByte(pos);
            int cr = RespLines.findCrlf(buf, pos + 1, Integer.MAX_VALUE / 4);
            if (cr == RespLines.INCOMPLETE || cr == RespLines.TOO_LONG) {
                return INCOMPLETE;
            }
            int lineEnd = cr + 2;
            switch (type) {
                case '+', '-', ':', '_', ',', '#', '(' -> {
                    scanned = lineEnd - start;
                    remaining--;
                }
                case '$', '!', '=' -> {
                    long length = RespLines.parseLong(buf, pos + 1, cr);
                    if (length == Long.MIN_VALUE || length < -1) {
                        throw new RespReplyException("invalid bulk length in reply");
                    }
                    long elementEnd = length < 0 ? lineEnd : (long) lineEnd + length + 2;
                    if (elementEnd > end) {
                        return INCOMPLETE;
                    }
                    scanned = (int) (elementEnd - start);
                    remaining--;
                }
                case '*', '~', '>', '%', '|' -> {
                    long count = RespLines.parseLong(buf, pos + 1, cr);
                    if (count == Long.MIN_VALUE || count < -1 || count > Integer.MAX_VALUE / 4) {
                        throw new RespReplyException("invalid aggregate length in reply");
                    }
                    scanned = lineEnd - start;
                    long children = count < 0 ? 0 : (type == '%' || type == '|') ? count * 2 : count;
                    // An attribute precedes the element it describes, so it does not count as that element.
                    remaining += (int) children - (type == '|' ? 0 : 1);
                }
                default -> throw new RespReplyException(
                        "unexpected reply type byte 0x" + Integer.toHexString(type & 0xff));
            }
        }
        return scanned;
    }

    /** The length of the complete reply at {@code start} in a buffer known to hold it whole. */
    public static int lengthOf(ByteBuf buf, int start) {
        RespReplyScanner scanner = new RespReplyScanner();
        int length = scanner.scan(buf, start);
        if (length == INCOMPLETE) {
            throw new RespReplyException("truncated reply");
        }
        return length;
    }
}
