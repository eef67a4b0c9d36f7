package io.puerta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WriteCoalescerTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final WriteCoalescer coalescer = new WriteCoalescer();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void smallMessagesGoOutAsOneBufferInOrder() {
        coalescer.add(channel, text("a"));
        coalescer.add(channel, text("b"));
        coalescer.add(channel, text("c"));
        assertNull(readText(), "nothing is written before writeOut");
        coalescer.writeOut(channel);
        channel.flush();
        assertEquals("abc", readText());
        assertNull(readText());
    }

    @Test
    void discardReleasesWhatIsHeldAndWritesNothing() {
        ByteBuf lone = text("lone");
        coalescer.add(channel, lone);
        coalescer.discard();
        assertEquals(0, lone.refCnt(), "a lone message held is released");
        ByteBuf a = text("a");
        ByteBuf b = text("b");
        coalescer.add(channel, a);
        coalescer.add(channel, b);
        coalescer.discard();
        assertEquals(0, a.refCnt() + b.refCnt(), "gathered messages were released when copied");
        coalescer.writeOut(channel);
        channel.flush();
        assertNull(readText(), "nothing held is written after a discard");
    }

    @Test
    void aLoneMessageIsWrittenAsItIs() {
        ByteBuf lone = text("lone");
        coalescer.add(channel, lone);
        coalescer.writeOut(channel);
        channel.flush();
        ByteBuf written = channel.readOutbound();
        assertSame(lone, written);
        written.release();
    }

    @Test
    void aLargeMessageSplitsTheBatchAndKeepsTheOrder() {
        String large = "L".repeat(WriteCoalescer.SMALL + 1);
        coalescer.add(channel, text("a"));
        coalescer.add(channel, text("b"));
        coalescer.add(channel, text(large));
        coalescer.add(channel, text("c"));
        coalescer.writeOut(channel);
        channel.flush();
        assertEquals("ab", readText());
        assertEquals(large, readText());
        assertEquals("c", readText());
        assertNull(readText());
    }

    @Test
    void aFullBatchIsWrittenAndANewOneStarted() {
        String part = "p".repeat(WriteCoalescer.SMALL - 4); // with its number, still small
        int perBatch = WriteCoalescer.MAX_BATCH / WriteCoalescer.SMALL;
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < perBatch + 3; i++) {
            coalescer.add(channel, text(part + i));
            all.append(part).append(i);
        }
        coalescer.writeOut(channel);
        channel.flush();
        StringBuilder read = new StringBuilder();
        int writes = 0;
        String chunk;
        while ((chunk = readText()) != null) {
            assertTrue(chunk.length() <= WriteCoalescer.MAX_BATCH, "a batch stays within its bound");
            read.append(chunk);
            writes++;
        }
        assertEquals(all.toString(), read.toString());
        assertTrue(writes >= 2 && writes < perBatch, "gathered into a few writes: " + writes);
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private String readText() {
        ByteBuf buf = channel.readOutbound();
        if (buf == null) {
            return null;
        }
        try {
            return buf.toString(StandardCharsets.US_ASCII);
        } finally {
            buf.release();
        }
    }
}
