package io.puerta.runtime.protocol.resp;

import io.netty.buffer.ByteBuf;

/** Line and integer scanning shared by the RESP decoders. */
final class RespLines {

    /** Returned by {@link #findCrlf} when no line end is within reach yet. */
    static final int INCOMPLETE = -1;
    /** Returned by {@link #findCrlf} when the line is longer than allowed. */
    static final int TOO_LONG = -2;

    /** Longest header line ("*<count>" or "$<length>"): a sign and 19 digits, with margin. */
    static final int MAX_HEADER_LINE = 32;

    private RespLines() {}

    /**
     * The index of the {@code \r} of the first {@code \r\n} at or after {@code from}, looking at most {@code maxLength}
     * bytes ahead.
     */
    static int findCrlf(ByteBuf buf, int from, int maxLength) {
        int end = buf.writerIndex();
        int limit = Math.min(end, from + maxLength + 2);
        int cr = buf.indexOf(from, limit, (byte) '\r');
        while (cr >= 0) {
            if (cr + 1 >= end) {
                return INCOMPLETE;
            }
            if (buf.getByte(cr + 1) == '\n') {
                return cr;
            }
            cr = buf.indexOf(cr + 1, limit, (byte) '\r');
        }
        return end >= from + maxLength + 2 ? TOO_LONG : INCOMPLETE;
    }

    /** Parses a decimal long in {@code [from, to)}; {@link Long#MIN_VALUE} when it is not one. */
    static long parseLong(ByteBuf buf, int from, int to) {
        if (from >= to || to - from > 20) {
            return Long.MIN_VALUE;
        }
        boolean negative = buf.getByte(from) == '-';
        int i = negative ? from + 1 : from;
        if (i >= to) {
            return Long.MIN_VALUE;
        }
        long value = 0;
        for (; i < to; i++) {
            byte b = buf.getByte(i);
            if (b < '0' || b > '9') {
                return Long.MIN_VALUE;
            }
            value = value * 10 + (b - '0');
            if (value < 0) {
                return Long.MIN_VALUE;
            }
        }
        return negative ? -value : value;
    }
}
