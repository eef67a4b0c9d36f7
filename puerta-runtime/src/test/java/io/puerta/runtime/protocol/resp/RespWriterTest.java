package io.puerta.runtime.protocol.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The headers and arrays the proxy writes itself: digits written in place, lengths that match what is written. */
class RespWriterTest {

    @Test
    void headersCarryEveryDigitOfTheirNumber() {
        for (long n : new long[] {0, 7, 9, 10, 16, 99, 100, 12345, Integer.MAX_VALUE, Long.MAX_VALUE, -1, -42}) {
            ByteBuf buf = Unpooled.buffer(2); // too small on purpose: the digits must make room for themselves
            RespWriter.writeHeader(buf, ':', n);
            assertEquals(":" + n + "\r\n", buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
    }

    @Test
    void anArrayIsAsLongAsItsLengthSays() {
        List<byte[]> args = List.of(
                "MSET".getBytes(StandardCharsets.US_ASCII),
                "key:000000012345".getBytes(StandardCharsets.US_ASCII),
                new byte[0],
                new byte[1234]);
        ByteBuf buf = RespWriter.array(Unpooled.buffer(0).alloc(), args);
        assertEquals(RespWriter.arrayLength(args), buf.readableBytes());
        String head = "*4\r\n$4\r\nMSET\r\n$16\r\nkey:000000012345\r\n$0\r\n\r\n$1234\r\n";
        assertEquals(head, buf.toString(0, head.length(), StandardCharsets.US_ASCII));
        buf.release();
    }

    @Test
    void anArrayWrittenIntoBytesIsTheSameAsIntoABuffer() {
        List<byte[]> args = List.of(
                "MSET".getBytes(StandardCharsets.US_ASCII),
                "key:000000012345".getBytes(StandardCharsets.US_ASCII),
                new byte[0],
                new byte[9],
                new byte[10],
                new byte[1234]);
        ByteBuf buf = RespWriter.array(Unpooled.buffer(0).alloc(), args);
        byte[] expected = new byte[buf.readableBytes()];
        buf.readBytes(expected);
        buf.release();
        byte[] written = new byte[3 + RespWriter.arrayLength(args) + 2];
        int end = RespWriter.writeArray(written, 3, args);
        assertEquals(3 + expected.length, end);
        assertEquals(
                new String(expected, StandardCharsets.ISO_8859_1),
                new String(written, 3, expected.length, StandardCharsets.ISO_8859_1));
    }
}
