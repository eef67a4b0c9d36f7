package io.puerta.runtime.protocol.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a backend's byte stream into complete replies, each a retained slice of the input (no copy; {@code +OK} is
 * a buffer over shared bytes). Bytes that are not RESP raise one {@link RespReplyException} (the connection is
 * closed by its handler); anything after it is discarded, since no later reply could be matched to its request.
 */
public final class RespReplyDecoder extends ByteToMessageDecoder {

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
            if (RespWriter.isOk(in, in.readerIndex(), length)) {
                // the most common reply (SET, MSET, each part of a split MSET): no pooled slice from the recycler
                // and no reference on the input to give back, each a cache miss a round trip after it was made (5%
                // of a 10-slot MSET's samples in cluster mode were the slices)
                in.skipBytes(length);
                out.add(RespWriter.ok());
            } else {
                out.add(in.readRetainedSlice(length));
            }
        }
    }
}
