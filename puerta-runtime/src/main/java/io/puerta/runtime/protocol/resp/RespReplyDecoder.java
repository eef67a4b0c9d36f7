package io.puerta.runtime.protocol.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a backend's byte stream into complete replies, each a retained slice of the input (no copy). Bytes that
 * are not RESP raise one {@link RespReplyException} (the connection is closed by its handler); anything after it
 * is discarded, since no later reply could be matched to its request.
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
            out.add(in.readRetainedSlice(length));
        }
    }
}
