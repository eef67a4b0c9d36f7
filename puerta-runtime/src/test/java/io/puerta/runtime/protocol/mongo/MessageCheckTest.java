package io.puerta.runtime.protocol.mongo;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;
import org.junit.jupiter.api.Test;

/** What may go onto a mongos connection shared by many clients: whole messages only. */
class MessageCheckTest {

    @Test
    void aDriversMessagePasses() {
        assertDoesNotThrow(() -> check(msg(0, body(new Document("find", "c").append("$db", "d")))));
        Document nested = new Document("a", new Document("b", java.util.List.of(1, "two", new Document("c", 3.0))));
        assertDoesNotThrow(() -> check(msg(0, body(nested.append("$db", "d")))));
    }

    @Test
    void aChecksumIsVerified() {
        byte[] good = withChecksum(msg(1, body(new Document("ping", 1))), false);
        assertDoesNotThrow(() -> check(good));
        byte[] bad = withChecksum(msg(1, body(new Document("ping", 1))), true);
        assertThrows(BsonScan.MalformedBsonException.class, () -> check(bad));
    }

    @Test
    void whatAServerCannotReadIsRefused() {
        byte[] valid = msg(0, body(new Document("ping", 1).append("$db", "admin")));
        byte[] unknownFlag = valid.clone();
        unknownFlag[16] = 0x4;
        assertThrows(BsonScan.MalformedBsonException.class, () -> check(unknownFlag));
        byte[] badType = valid.clone();
        badType[21 + 4] = 0x42; // the first element's type
        assertThrows(BsonScan.MalformedBsonException.class, () -> check(badType));
        byte[] badStringLength = msg(0, body(new Document("s", "abc")));
        badStringLength[21 + 4 + 3] = 9; // the string's length
        assertThrows(BsonScan.MalformedBsonException.class, () -> check(badStringLength));
        byte[] kind = valid.clone();
        kind[20] = 2;
        assertThrows(BsonScan.MalformedBsonException.class, () -> check(kind));
        Document deep = new Document("x", 1);
        for (int i = 0; i < 150; i++) {
            deep = new Document("d", deep);
        }
        Document tooDeep = deep;
        assertThrows(BsonScan.MalformedBsonException.class, () -> check(msg(0, body(tooDeep))));
    }

    private static void check(byte[] frame) {
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        MessageCheck.check(
                buf, ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).getInt(12));
    }

    private static byte[] body(Document document) {
        ByteBuffer bson = new RawBsonDocument(document, new DocumentCodec())
                .getByteBuffer()
                .asNIO();
        byte[] bytes = new byte[bson.remaining()];
        bson.get(bytes);
        return bytes;
    }

    private static byte[] msg(int flags, byte[] document) {
        ByteBuffer frame = ByteBuffer.allocate(21 + document.length).order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(21 + document.length).putInt(1).putInt(0).putInt(MongoFrame.OP_MSG);
        frame.putInt(flags).put((byte) 0).put(document);
        return frame.array();
    }

    private static byte[] withChecksum(byte[] frame, boolean wrong) {
        ByteBuffer out = ByteBuffer.allocate(frame.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        out.put(frame);
        out.putInt(0, frame.length + 4);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, frame.length);
        out.putInt(frame.length, (int) crc.getValue() + (wrong ? 1 : 0));
        return out.array();
    }
}
