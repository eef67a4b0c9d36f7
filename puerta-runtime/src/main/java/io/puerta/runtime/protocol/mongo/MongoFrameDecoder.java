package io.puerta.runtime.protocol.mongo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a stream into MongoDB wire messages using the little-endian int32 length that starts every message. A
 * length below the header size or above the configured maximum, or an opCode the proxy does not know, yields one
 * {@link MongoProtocolError}; everything after it is discarded.
 */
public final class MongoFrameDecoder extends ByteToMessageDecoder {

    private final int maxMessageBytes;
    private boolean discarding;

    public MongoFrameDecoder(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!discarding && in.readableBytes() >= MongoFrame.HEADER_BYTES) {
            int start = in.readerIndex();
            int length = in.getIntLE(start);
            if (length < MongoFrame.HEADER_BYTES || length > maxMessageBytes) {
                fail(
                        in,
                        out,
                        String.format(
                                "message length: %d (expected: %d .. %d)",
                                length, MongoFrame.HEADER_BYTES, maxMessageBytes));
                return;
            }
            int opCode = in.getIntLE(start + 12);
            if (!MongoFrame.knownOpCode(opCode)) {
                fail(in, out, "unknown opCode: " + opCode);
                return;
            }
            if (in.readableBytes() < length) {
                return;
            }
            out.add(new MongoFrame(in.readRetainedSlice(length)));
        }
        if (discarding) {
            in.skipBytes(in.readableBytes());
        }
    }

    private void fail(ByteBuf in, List<Object> out, String message) {
        discarding = true;
        in.skipBytes(in.readableBytes());
        out.add(new MongoProtocolError(message));
    }
}
