package io.puerta.runtime.protocol.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A command name is read in upper case, and the same name is the same String from request to request. */
class CommandNamesTest {

    @Test
    void theSameNameInAnyCaseIsOneString() {
        String first = name("get");
        assertEquals("GET", first);
        assertSame(first, name("GET"));
        assertSame(first, name("gEt"));
    }

    @Test
    void namesSharingAPlaceAreEachReadRight() {
        // far more names than places: each is still read as itself, cached or not
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 5000; i++) {
                assertEquals("CMD" + i, name("cmd" + i));
            }
        }
    }

    @Test
    void longNamesAndOtherBytesAreReadRight() {
        String longName = "x".repeat(CommandNames.MAX_CACHED_LENGTH + 1);
        assertEquals(longName.toUpperCase(), name(longName));
        assertEquals("CLIENT-{}[]", name("client-{}[]"));
        assertEquals("", name(""));
    }

    @Test
    void theNameIsReadWhereTheFrameSaysNotFromItsStart() {
        ByteBuf frame = Unpooled.copiedBuffer("junk:hset:more", StandardCharsets.ISO_8859_1);
        try {
            assertEquals("HSET", CommandNames.upperCase(frame, 5, 4));
        } finally {
            frame.release();
        }
    }

    private static String name(String text) {
        ByteBuf frame = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
        try {
            return CommandNames.upperCase(frame, 0, frame.readableBytes());
        } finally {
            frame.release();
        }
    }
}
