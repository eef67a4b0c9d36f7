package io.puerta.runtime.protocol.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class MongoFrameDecoderTest {

    private static ByteBuf message(int length, int requestId, int opCode) {
        ByteBuf buf = Unpooled.buffer(Math.max(length, 16));
        buf.writeIntLE(length).writeIntLE(requestId).writeIntLE(0).writeIntLE(opCode);
        while (buf.writerIndex() < length) {
            buf.writeByte(0);
        }
        return buf;
    }

    @Test
    void framesMessagesSplitAcrossReads() {
        EmbeddedChannel channel = new EmbeddedChannel(new MongoFrameDecoder(1024));
        ByteBuf both = Unpooled.wrappedBuffer(message(40, 7, MongoFrame.OP_MSG), message(21, 8, MongoFrame.OP_QUERY));
        while (both.isReadable()) {
            channel.writeInbound(both.readRetainedSlice(Math.min(5, both.readableBytes())));
        }
        both.release();
        MongoFrame first = channel.readInbound();
        MongoFrame second = channel.readInbound();
        assertEquals(40, first.length());
        assertEquals(7, first.requestId());
        assertEquals(MongoFrame.OP_MSG, first.opCode());
        assertEquals(21, second.length());
        assertEquals(MongoFrame.OP_QUERY, second.opCode());
        first.release();
        second.release();
        assertFalse(channel.finish());
    }

    @Test
    void rejectsBadLengthsAndUnknownOpCodes() {
        assertRejected(message(20, 1, MongoFrame.OP_MSG).setIntLE(0, 8), "message length: 8 (expected: 16 .. 1024)");
        assertRejected(
                message(20, 1, MongoFrame.OP_MSG).setIntLE(0, 5000), "message length: 5000 (expected: 16 .. 1024)");
        assertRejected(message(20, 1, 9999), "unknown opCode: 9999");
    }

    private static void assertRejected(ByteBuf input, String expected) {
        EmbeddedChannel channel = new EmbeddedChannel(new MongoFrameDecoder(1024));
        channel.writeInbound(input);
        MongoProtocolError error = channel.readInbound();
        assertEquals(expected, error.message());
        channel.writeInbound(message(20, 2, MongoFrame.OP_MSG));
        assertNull(channel.readInbound(), "input after an error is discarded");
        assertFalse(channel.finish());
    }
}
