package io.puerta.runtime.protocol.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespReplyDecoderTest {

    private static final List<String> REPLIES = List.of(
            "+OK\r\n",
            "-ERR wrong\r\n",
            ":42\r\n",
            "$5\r\nhello\r\n",
            "$-1\r\n",
            "$0\r\n\r\n",
            "*-1\r\n",
            "*0\r\n",
            "*3\r\n$1\r\na\r\n*2\r\n:1\r\n$-1\r\n+x\r\n",
            "%2\r\n+k\r\n:1\r\n+k2\r\n*1\r\n#t\r\n",
            "|1\r\n+ttl\r\n:3\r\n$2\r\nok\r\n",
            "_\r\n",
            ",1.5\r\n",
            "(12345678901234567890\r\n",
            "=7\r\ntxt:abc\r\n",
            "~2\r\n+a\r\n+b\r\n",
            ">2\r\n+message\r\n+hi\r\n");

    @Test
    void splitsEveryReplyTypeWhateverTheFragmentation() {
        String all = String.join("", REPLIES);
        for (int chunk : new int[] {1, 2, 3, 7, all.length()}) {
            EmbeddedChannel channel = new EmbeddedChannel(new RespReplyDecoder());
            byte[] bytes = all.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < bytes.length; i += chunk) {
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(chunk, bytes.length - i)));
            }
            List<String> decoded = new ArrayList<>();
            ByteBuf reply;
            while ((reply = channel.readInbound()) != null) {
                decoded.add(reply.toString(StandardCharsets.UTF_8));
                reply.release();
            }
            assertEquals(REPLIES, decoded, "chunk size " + chunk);
            assertFalse(channel.finish());
        }
    }

    @Test
    void rejectsBytesThatAreNotResp() {
        EmbeddedChannel channel = new EmbeddedChannel(new RespReplyDecoder());
        assertThrows(
                DecoderException.class,
                () -> channel.writeInbound(Unpooled.copiedBuffer("?what\r\n", StandardCharsets.UTF_8)));
        channel.finishAndReleaseAll();
    }

    @Test
    void measuresOneReplyInsideABuffer() {
        ByteBuf buf = Unpooled.copiedBuffer("xx*2\r\n$1\r\na\r\n:1\r\nrest", StandardCharsets.UTF_8);
        assertEquals(15, RespReplyScanner.lengthOf(buf, 2));
        buf.release();
    }
}
