package io.puerta.runtime.protocol.mongo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.puerta.runtime.testing.TestingClient;
import io.puerta.spi.request.ClientInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MongoRequestTest {

    private static final ClientInfo CLIENT = TestingClient.loopback(7);

    private static final byte[] LSID = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static MongoRequest opMsg(ByteBuf body, int flags, ByteBuf sequence) {
        ByteBuf message = Unpooled.buffer();
        message.writeIntLE(0)
                .writeIntLE(42)
                .writeIntLE(0)
                .writeIntLE(MongoFrame.OP_MSG)
                .writeIntLE(flags);
        if (sequence != null) {
            message.writeByte(1).writeBytes(sequence); // a document sequence before the body: allowed
            sequence.release();
        }
        message.writeByte(0).writeBytes(body);
        body.release();
        if ((flags & 1) != 0) {
            message.writeIntLE(0x12345678); // checksum
        }
        message.setIntLE(0, message.readableBytes());
        return MongoRequest.parse(CLIENT, MongoFrame.of(message));
    }

    @Test
    void readsTheRoutingFieldsOfATransactionStatement() {
        ByteBuf body = new BsonWriter(ByteBufAllocator.DEFAULT)
                .string("insert", "orders")
                .startDocument("lsid")
                .binary("id", LSID)
                .endDocument()
                .int64("txnNumber", 3)
                .bool("startTransaction", true)
                .bool("autocommit", false)
                .string("$db", "shop")
                .finish();
        ByteBuf sequence = Unpooled.buffer();
        sequence.writeIntLE(4 + 10 + 5).writeBytes("documents\0".getBytes(StandardCharsets.US_ASCII));
        sequence.writeIntLE(5).writeByte(0);
        MongoRequest request = opMsg(body, 1, sequence);
        try {
            assertEquals(42, request.requestId());
            assertEquals("insert", request.commandName().orElseThrow());
            assertEquals("shop", request.database().orElseThrow());
            ByteBuffer lsid = request.lsid().orElseThrow();
            byte[] bytes = new byte[lsid.remaining()];
            lsid.get(bytes);
            assertArrayEquals(LSID, bytes);
            assertEquals(3, request.txnNumber().getAsLong());
            assertEquals(true, request.startTransaction().orElseThrow());
            assertEquals(false, request.autocommit().orElseThrow());
            assertEquals(1, request.flagBits());
        } finally {
            request.release();
        }
    }

    @Test
    void readsCursorIdsOfGetMoreAndKillCursors() {
        MongoRequest getMore = opMsg(
                new BsonWriter(ByteBufAllocator.DEFAULT)
                        .int64("getMore", -77)
                        .string("collection", "c")
                        .finish(),
                0,
                null);
        assertEquals(List.of(-77L), getMore.cursorIds());
        getMore.release();
        ByteBuf body = new BsonWriter(ByteBufAllocator.DEFAULT)
                .string("killCursors", "c")
                .startDocument("cursors") // an array is a document with keys "0", "1", ...
                .int64("0", 11)
                .int64("1", 12)
                .endDocument()
                .finish();
        body.setByte(4 + 1 + "killCursors".length() + 1 + 4 + 2, BsonScan.ARRAY); // the "cursors" element's type
        MongoRequest kill = opMsg(body, 0, null);
        assertEquals(List.of(11L, 12L), kill.cursorIds());
        assertTrue(kill.lsid().isEmpty());
        kill.release();
    }

    @Test
    void readsTheClientMetadataOfALegacyHandshake() {
        ByteBuf query = new BsonWriter(ByteBufAllocator.DEFAULT)
                .int32("isMaster", 1)
                .startDocument("client")
                .startDocument("application")
                .string("name", "billing")
                .endDocument()
                .startDocument("driver")
                .string("name", "mongo-java-driver")
                .string("version", "5.2.1")
                .endDocument()
                .startDocument("os")
                .string("type", "Linux")
                .endDocument()
                .endDocument()
                .finish();
        ByteBuf message = Unpooled.buffer();
        message.writeIntLE(0)
                .writeIntLE(1)
                .writeIntLE(0)
                .writeIntLE(MongoFrame.OP_QUERY)
                .writeIntLE(0);
        message.writeBytes("admin.$cmd\0".getBytes(StandardCharsets.US_ASCII))
                .writeIntLE(0)
                .writeIntLE(-1);
        message.writeBytes(query);
        query.release();
        message.setIntLE(0, message.readableBytes());
        MongoRequest request = MongoRequest.parse(CLIENT, MongoFrame.of(message));
        assertEquals("isMaster", request.commandName().orElseThrow());
        assertEquals("admin", request.database().orElseThrow());
        assertEquals(
                Map.of(
                        "application.name", "billing",
                        "driver.name", "mongo-java-driver",
                        "driver.version", "5.2.1",
                        "os.type", "Linux"),
                request.clientMetadata());
        request.release();
    }

    @Test
    void aBodyThatLiesAboutItsLengthIsRefused() {
        ByteBuf body = Unpooled.buffer().writeIntLE(1000).writeByte(0);
        assertThrows(BsonScan.MalformedBsonException.class, () -> opMsg(body, 0, null));
        ByteBuf noBody = Unpooled.buffer();
        noBody.writeIntLE(20)
                .writeIntLE(1)
                .writeIntLE(0)
                .writeIntLE(MongoFrame.OP_MSG)
                .writeIntLE(0);
        assertThrows(BsonScan.MalformedBsonException.class, () -> MongoRequest.parse(CLIENT, MongoFrame.of(noBody)));
    }
}
