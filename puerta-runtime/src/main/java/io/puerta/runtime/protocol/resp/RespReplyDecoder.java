package io.puerta.runtime.protocol.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a backend's byte stream into complete replies, each a retained slice of the input (no copy; {@code +OK} is
 * a buffer over shared bytes). Bytes that
 * are not RESP raise one {@link RespReplyException} (the connection is closed by its handler); anything after it
 * is discarded, since no later reply could be matched to its request.
 */
public final class RespReplyDecoder extends ByteToMessageDecoder {

    /**
     * The most common reply (SET, MSET and each of a split MSET's parts) as a buffer over these shared bytes, which
     * nobody writes: no pooled slice taken from the recycler and no reference on the input to give back, each a
     * cache miss a round trip after it was made (5% of a 10-slot MSET's samples in cluster mode were the slices).
     */
    private static final byte[] OK = {'+', 'O', 'K', '\r', '\n'};

    private final RespReplyScanner scanner = new RespReplyScanner();
    private boolean corrupt;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (corrupt) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.isReadable()) {
            int length;
            try {
                length = scanner.scan(in, in.readerIndex());
            } catch (RespReplyException e) {
                corrupt = true;
                in.skipBytes(in.readableBytes());
                throw e;
            }
            if (length == RespReplyScanner.INCOMPLETE) {
                return;
            }
            scanner.reset();
            if (length == OK.length && isOk(in, in.readerIndex())) {
                in.skipBytes(length);
                out.add(Unpooled.wrappedBuffer(OK));
            } else {
                out.add(in.readRetainedSlice(length));
            }
        }
    }

    private static boolean isOk(ByteBuf in, int at) {
        return in.getByte(at) == '+' && in.getByte(at + 1) == 'O' && in.getByte(at + 2) == 'K';
    }
}
