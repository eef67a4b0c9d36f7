package io.puerta.plugin.redis.common.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one RESP parser of the Redis plugins, over a reply in memory and over a stream alike. */
class RespReaderTest {

    private static final String EVERY_TYPE =
            "*6\r\n+OK\r\n-ERR no such key\r\n:-42\r\n$5\r\nhe\r\no\r\n$-1\r\n*2\r\n*-1\r\n$0\r\n\r\n";

    @Test
    void readsEveryTypeFromMemory() {
        check(new RespReader(ByteBuffer.wrap(EVERY_TYPE.getBytes(StandardCharsets.UTF_8))).read());
    }

    @Test
    void readsEveryTypeFromAStream() {
        check(new RespReader(new ByteArrayInputStream(EVERY_TYPE.getBytes(StandardCharsets.UTF_8))).read());
    }

    @Test
    void readsRepliesOneAfterTheOtherWithoutMovingTheBuffer() {
        ByteBuffer two = ByteBuffer.wrap(":1\r\n:2\r\n".getBytes(StandardCharsets.US_ASCII));
        RespReader reader = new RespReader(two);
        assertEquals(':', reader.peekType());
        assertEquals(1L, reader.read());
        assertEquals(2L, reader.read());
        assertEquals(0, two.position());
    }

    @Test
    void refusesWhatIsNotResp() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new RespReader(ByteBuffer.wrap("?x\r\n".getBytes(StandardCharsets.US_ASCII))).read());
        assertThrows(
                IllegalArgumentException.class,
                () -> new RespReader(ByteBuffer.wrap("$5\r\nab\r\n".getBytes(StandardCharsets.US_ASCII))).read());
        assertThrows(
                UncheckedIOException.class,
                () -> new RespReader(new ByteArrayInputStream("$5\r\nab".getBytes(StandardCharsets.US_ASCII))).read());
    }

    @Test
    void anErrorCanBePassedOnAsAReply() {
        assertEquals(ByteBuffer.wrap("-ERR x\r\n".getBytes(StandardCharsets.UTF_8)), new RespError("ERR x").toReply());
    }

    private static void check(Object value) {
        List<?> items = (List<?>) value;
        assertEquals(6, items.size());
        assertEquals("OK", items.get(0));
        assertEquals(new RespError("ERR no such key"), items.get(1));
        assertEquals(-42L, items.get(2));
        assertArrayEquals("he\r\no".getBytes(StandardCharsets.UTF_8), (byte[]) items.get(3));
        assertNull(items.get(4));
        List<?> nested = (List<?>) items.get(5);
        assertNull(nested.get(0));
        assertArrayEquals(new byte[0], (byte[]) nested.get(1));
    }
}
