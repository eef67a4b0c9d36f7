package io.puerta.runtime.protocol.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.puerta.runtime.testing.TestingClient;
import io.puerta.spi.request.ClientInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RespRequestDecoderTest {

    private static final ClientInfo CLIENT = TestingClient.loopback(1);

    private EmbeddedChannel channel = channel(new RespLimits(1024, 1024, 256, 1 << 20));

    private static EmbeddedChannel channel(RespLimits limits) {
        return new EmbeddedChannel(new RespRequestDecoder(CLIENT, limits));
    }

    @AfterEach
    void finish() {
        Object leftover;
        while ((leftover = channel.readInbound()) != null) {
            release(leftover);
        }
        assertFalse(channel.finish());
    }

    @Test
    void decodesAnArrayAndKeepsTheFrameUnchanged() {
        String frame = "*3\r\n$3\r\nset\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
        channel.writeInbound(bytes(frame));
        RespRequest request = channel.readInbound();
        try {
            assertEquals("SET", request.name());
            assertEquals(3, request.argCount());
            assertEquals("key", request.argString(1));
            assertEquals("value", StandardCharsets.UTF_8.decode(request.arg(2)).toString());
            assertEquals(frame, request.frame().toString(StandardCharsets.UTF_8));
        } finally {
            request.release();
        }
    }

    @Test
    void decodesFragmentsByteByByteAndBackToBackFrames() {
        String two = "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*1\r\n$4\r\nPING\r\n";
        for (byte b : two.getBytes(StandardCharsets.UTF_8)) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        List<String> names = drainNames();
        assertEquals(List.of("GET", "PING"), names);
    }

    @Test
    void decodesBinaryArgumentsContainingCrlf() {
        channel.writeInbound(bytes("*2\r\n$4\r\nECHO\r\n$4\r\n\r\n\r\n\r\n"));
        RespRequest request = channel.readInbound();
        try {
            assertEquals("\r\n\r\n", request.argString(1));
        } finally {
            request.release();
        }
    }

    @Test
    void decodesInlineCommandsWithQuotes() {
        channel.writeInbound(bytes("set \"a b\" 'c d'\r\n\r\nPING\n"));
        RespRequest set = channel.readInbound();
        RespRequest ping = channel.readInbound();
        try {
            assertEquals("SET", set.name());
            assertEquals("a b", set.argString(1));
            assertEquals("c d", set.argString(2));
            assertEquals(
                    "*3\r\n$3\r\nset\r\n$3\r\na b\r\n$3\r\nc d\r\n", set.frame().toString(StandardCharsets.UTF_8));
            assertEquals("PING", ping.name());
        } finally {
            set.release();
            ping.release();
        }
    }

    @Test
    void ignoresEmptyArrays() {
        channel.writeInbound(bytes("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n"));
        assertEquals(List.of("PING"), drainNames());
    }

    @Test
    void rejectsBulkLongerThanTheLimitBeforeBuffering() {
        channel.writeInbound(bytes("*2\r\n$3\r\nSET\r\n$999999\r\npartial"));
        RespProtocolError error = channel.readInbound();
        assertEquals("Protocol error: invalid bulk length: 999999 (expected: <= 1024)", error.message());
        // everything after a protocol error is discarded
        channel.writeInbound(bytes("*1\r\n$4\r\nPING\r\n"));
        assertNull(channel.readInbound());
    }

    @Test
    void rejectsArraysLongerThanTheLimit() {
        channel.writeInbound(bytes("*100000\r\n"));
        RespProtocolError error = channel.readInbound();
        assertEquals("Protocol error: invalid multibulk length: 100000 (expected: <= 1024)", error.message());
    }

    @Test
    void rejectsGarbageWithTheErrorsRedisGives() {
        assertError("*x\r\n", "Protocol error: invalid multibulk length");
        assertError("*1\r\n:5\r\n", "Protocol error: expected '$', got ':'");
        assertError("*1\r\n$-5\r\n", "Protocol error: invalid bulk length");
        assertError("*1\r\n$3\r\nabcXY", "Protocol error: bulk string not terminated by CRLF");
        assertError("set \"unbalanced\r\n", "Protocol error: unbalanced quotes in request");
        assertError("x".repeat(300), "Protocol error: too big inline request (expected: <= 256 bytes)");
        assertError("*" + "9".repeat(40), "Protocol error: invalid multibulk length");
    }

    @Test
    void rejectsRequestsLargerThanTheWholeRequestLimit() {
        channel.finishAndReleaseAll();
        channel = channel(new RespLimits(1024, 1000, 256, 2000));
        StringBuilder frame = new StringBuilder("*4\r\n$3\r\nSET\r\n");
        for (int i = 0; i < 3; i++) {
            frame.append("$900\r\n").append("v".repeat(900)).append("\r\n");
        }
        channel.writeInbound(bytes(frame.toString()));
        RespProtocolError error = channel.readInbound();
        assertTrue(error.message().startsWith("Protocol error: request too large"), error.message());
    }

    private void assertError(String input, String expected) {
        channel.finishAndReleaseAll();
        channel = channel(new RespLimits(1024, 1024, 256, 1 << 20));
        channel.writeInbound(bytes(input));
        Object decoded = channel.readInbound();
        assertInstanceOf(RespProtocolError.class, decoded, "for input " + input);
        assertEquals(expected, ((RespProtocolError) decoded).message());
    }

    private List<String> drainNames() {
        List<String> names = new ArrayList<>();
        RespRequest request;
        while ((request = channel.readInbound()) != null) {
            names.add(request.name());
            request.release();
        }
        return names;
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    private static void release(Object message) {
        if (message instanceof RespRequest request) {
            request.release();
        }
    }
}
