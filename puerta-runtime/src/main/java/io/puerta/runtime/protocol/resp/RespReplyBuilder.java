package io.puerta.runtime.protocol.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Builds a reply the proxy makes itself in the client's protocol: RESP3 types (map, set, null, verbatim string) for
 * a client that said {@code HELLO 3}, their RESP2 forms (flat array, array, nil, bulk string) for the others. The
 * builder owns its buffer until {@link #build}.
 */
public final class RespReplyBuilder {

    private static final byte[] CRLF = {'\r', '\n'};

    private final ByteBuf buf;
    private final boolean resp3;

    public RespReplyBuilder(ByteBufAllocator alloc, int protocol) {
        this.buf = alloc.buffer(64);
        this.resp3 = protocol == 3;
    }

    /** A map of {@code pairs} entries; each entry is a key then a value. */
    public RespReplyBuilder map(int pairs) {
        RespWriter.writeHeader(buf, resp3 ? '%' : '*', resp3 ? pairs : 2L * pairs);
        return this;
    }

    public RespReplyBuilder array(int count) {
        RespWriter.writeHeader(buf, '*', count);
        return this;
    }

    public RespReplyBuilder set(int count) {
        RespWriter.writeHeader(buf, resp3 ? '~' : '*', count);
        return this;
    }

    public RespReplyBuilder bulk(String text) {
        return bulk(text.getBytes(StandardCharsets.UTF_8));
    }

    public RespReplyBuilder bulk(byte[] bytes) {
        RespWriter.writeHeader(buf, '$', bytes.length);
        buf.writeBytes(bytes).writeBytes(CRLF);
        return this;
    }

    /** A text meant for people (INFO, CLIENT LIST): RESP3's verbatim string, RESP2's bulk string. */
    public RespReplyBuilder verbatim(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (!resp3) {
            return bulk(bytes);
        }
        RespWriter.writeHeader(buf, '=', bytes.length + 4L);
        buf.writeCharSequence("txt:", StandardCharsets.US_ASCII);
        buf.writeBytes(bytes).writeBytes(CRLF);
        return this;
    }

    public RespReplyBuilder integer(long value) {
        RespWriter.writeHeader(buf, ':', value);
        return this;
    }

    /** No value: RESP3's null, RESP2's nil bulk string. */
    public RespReplyBuilder nil() {
        if (resp3) {
            buf.writeByte('_').writeBytes(CRLF);
        } else {
            buf.writeCharSequence("$-1\r\n", StandardCharsets.US_ASCII);
        }
        return this;
    }

    public RespReplyBuilder status(String text) {
        buf.writeByte('+').writeCharSequence(text, StandardCharsets.UTF_8);
        buf.writeBytes(CRLF);
        return this;
    }

    public ByteBuf build() {
        return buf;
    }
}
