package io.puerta.runtime.protocol.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.puerta.spi.request.ClientInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Decodes client requests: RESP arrays of bulk strings, and inline commands. Emits {@link RespRequest}s whose frame
 * is a retained slice of the input (forwarded unchanged, no copy), or one {@link RespProtocolError} after which all
 * further input is discarded. Scan progress is kept across calls, so a large request arriving in many reads is
 * scanned once.
 */
public final class RespRequestDecoder extends ByteToMessageDecoder {

    private enum State {
        START,
        ARRAY,
        DISCARD
    }

    private final ClientInfo client;
    private final RespLimits limits;

    private State state = State.START;
    // Progress through the current array, relative to the reader index (stable while nothing is consumed).
    private int scanned;
    private int argIndex;
    private int[] argStarts;
    private int[] argLengths;

    public RespRequestDecoder(ClientInfo client, RespLimits limits) {
        this.client = client;
        this.limits = limits;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        for (; ; ) {
            switch (state) {
                case START -> {
                    if (!in.isReadable()) {
                        return;
                    }
                    boolean progressed = in.getByte(in.readerIndex()) == '*' ? startArray(in, out) : inline(in, out);
                    if (!progressed) {
                        return;
                    }
                }
                case ARRAY -> {
                    if (!continueArray(in, out)) {
                        return;
                    }
                }
                case DISCARD -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
            }
        }
    }

    /** Reads the "*<count>" header. Returns false when more input is needed. */
    private boolean startArray(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int cr = RespLines.findCrlf(in, start + 1, RespLines.MAX_HEADER_LINE);
        if (cr == RespLines.INCOMPLETE) {
            return false;
        }
        long count = cr == RespLines.TOO_LONG ? Long.MIN_VALUE : RespLines.parseLong(in, start + 1, cr);
        if (count == Long.MIN_VALUE) {
            return fail(in, out, "Protocol error: invalid multibulk length");
        }
        if (count > limits.maxArrayLength()) {
            return fail(
                    in,
                    out,
                    String.format(
                            "Protocol error: invalid multibulk length: %d (expected: <= %d)",
                            count, limits.maxArrayLength()));
        }
        if (count <= 0) {
            in.skipBytes(cr + 2 - start); // "*0" and "*-1" are no commands; Redis ignores them too
            return true;
        }
        argStarts = new int[(int) count];
        argLengths = new int[(int) count];
        argIndex = 0;
        scanned = cr + 2 - start;
        state = State.ARRAY;
        return true;
    }

    /** Scans the bulk strings of the current array. Returns false when more input is needed. */
    private boolean continueArray(ByteBuf in, List<Object> out) {
        int base = in.readerIndex();
        int end = in.writerIndex();
        while (argIndex < argStarts.length) {
            int pos = base + scanned;
            if (pos >= end) {
                return false;
            }
            byte type = in.getByte(pos);
            if (type != '$') {
                return fail(in, out, "Protocol error: expected '$', got '" + printable(type) + "'");
            }
            int cr = RespLines.findCrlf(in, pos + 1, RespLines.MAX_HEADER_LINE);
            if (cr == RespLines.INCOMPLETE) {
                return false;
            }
            long length = cr == RespLines.TOO_LONG ? Long.MIN_VALUE : RespLines.parseLong(in, pos + 1, cr);
            if (length < 0 || length > limits.maxBulkBytes()) {
                return fail(
                        in,
                        out,
                        length == Long.MIN_VALUE || length < 0
                                ? "Protocol error: invalid bulk length"
                                : String.format(
                                        "Protocol error: invalid bulk length: %d (expected: <= %d)",
                                        length, limits.maxBulkBytes()));
            }
            long elementEnd = (long) cr + 2 + length + 2;
            if (elementEnd - base > limits.maxRequestBytes()) {
                return fail(
                        in,
                        out,
                        String.format(
                                "Protocol error: request too large: over %d bytes (expected: <= %d)",
                                elementEnd - base, limits.maxRequestBytes()));
            }
            if (elementEnd > end) {
                return false;
            }
            int dataEnd = (int) (cr + 2 + length);
            if (in.getByte(dataEnd) != '\r' || in.getByte(dataEnd + 1) != '\n') {
                return fail(in, out, "Protocol error: bulk string not terminated by CRLF");
            }
            argStarts[argIndex] = cr + 2 - base;
            argLengths[argIndex] = (int) length;
            argIndex++;
            scanned = (int) (elementEnd - base);
        }
        ByteBuf frame = in.readRetainedSlice(scanned);
        out.add(new RespRequest(client, frame, argStarts, argLengths));
        resetArray();
        state = State.START;
        return true;
    }

    /** Reads one inline command line and emits it re-encoded as a RESP array. */
    private boolean inline(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int newline = in.indexOf(start, Math.min(in.writerIndex(), start + limits.maxInlineBytes() + 1), (byte) '\n');
        if (newline < 0) {
            if (in.readableBytes() > limits.maxInlineBytes()) {
                return fail(
                        in,
                        out,
                        String.format(
                                "Protocol error: too big inline request (expected: <= %d bytes)",
                                limits.maxInlineBytes()));
            }
            return false;
        }
        byte[] line = new byte[newline - start];
        in.getBytes(start, line);
        List<byte[]> args = InlineCommand.split(line);
        if (args == null) {
            return fail(in, out, "Protocol error: unbalanced quotes in request");
        }
        in.skipBytes(newline + 1 - start);
        if (args.isEmpty()) {
            return true; // an empty line is no command
        }
        ByteBuf frame = RespWriter.array(in.alloc(), args);
        int[] starts = new int[args.size()];
        int[] lengths = new int[args.size()];
        int offset = RespWriter.arrayHeaderLength(args.size());
        for (int i = 0; i < args.size(); i++) {
            int length = args.get(i).length;
            offset += RespWriter.bulkHeaderLength(length);
            starts[i] = offset;
            lengths[i] = length;
            offset += length + 2;
        }
        out.add(new RespRequest(client, frame, starts, lengths));
        return true;
    }

    private boolean fail(ByteBuf in, List<Object> out, String message) {
        resetArray();
        state = State.DISCARD;
        in.skipBytes(in.readableBytes());
        out.add(new RespProtocolError(message));
        return false;
    }

    private void resetArray() {
        scanned = 0;
        argIndex = 0;
        argStarts = null;
        argLengths = null;
    }

    private static String printable(byte b) {
        return b >= 0x20 && b < 0x7f
                ? new String(new byte[] {b}, StandardCharsets.US_ASCII)
                : String.format("\\x%02x", b & 0xff);
    }
}
