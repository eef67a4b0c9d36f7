package io.puerta.plugin.redis.common.resp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds replies the proxy gives itself: RESP2 by default; the methods that take a RESP version write RESP3's own
 * types for a client that said HELLO 3 (see {@code RespCommand#respVersion}).
 */
public final class RespBuilder {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public static ByteBuffer status(String text) {
        return new RespBuilder().line('+', text).build();
    }

    /** An error reply; {@code text} starts with its code ("ERR ...", "EXECABORT ..."). */
    public static ByteBuffer error(String text) {
        return new RespBuilder()
                .line('-', text.replace('\r', ' ').replace('\n', ' '))
                .build();
    }

    public static ByteBuffer integer(long value) {
        return new RespBuilder().line(':', Long.toString(value)).build();
    }

    public static ByteBuffer bulk(byte[] bytes) {
        return new RespBuilder().bulkString(bytes).build();
    }

    public static ByteBuffer nullBulk() {
        return new RespBuilder().line('$', "-1").build();
    }

    public static ByteBuffer bulkArray(List<byte[]> items) {
        RespBuilder builder = new RespBuilder().arrayHeader(items.size());
        for (byte[] item : items) {
            builder.bulkString(item);
        }
        return builder.build();
    }

    /** Text for people (INFO): RESP3's verbatim string, RESP2's bulk string. */
    public static ByteBuffer verbatim(String text, int respVersion) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (respVersion != 3) {
            return bulk(bytes);
        }
        RespBuilder builder = new RespBuilder().line('=', Integer.toString(bytes.length + 4));
        builder.out.writeBytes("txt:".getBytes(StandardCharsets.US_ASCII));
        builder.out.writeBytes(bytes);
        builder.out.write('\r');
        builder.out.write('\n');
        return builder.build();
    }

    /** The header of an out-of-band message (pub/sub): RESP3's push, RESP2's array. */
    public RespBuilder pushHeader(int count, int respVersion) {
        return line(respVersion == 3 ? '>' : '*', Integer.toString(count));
    }

    /** No value, as an element: RESP3's null, RESP2's null bulk string. */
    public RespBuilder nullValue(int respVersion) {
        return respVersion == 3 ? line('_', "") : nullValue();
    }

    public RespBuilder arrayHeader(int count) {
        return line('*', Integer.toString(count));
    }

    public RespBuilder bulkString(byte[] bytes) {
        line('$', Integer.toString(bytes.length));
        out.writeBytes(bytes);
        out.write('\r');
        out.write('\n');
        return this;
    }

    public RespBuilder bulkString(String text) {
        return bulkString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A null bulk string, as an element of an array. */
    public RespBuilder nullValue() {
        return line('$', "-1");
    }

    public RespBuilder integerValue(long value) {
        return line(':', Long.toString(value));
    }

    /** Appends bytes that are already a complete RESP value. */
    public RespBuilder raw(ByteBuffer value) {
        ByteBuffer copy = value.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        out.writeBytes(bytes);
        return this;
    }

    public ByteBuffer build() {
        return ByteBuffer.wrap(out.toByteArray());
    }

    private RespBuilder line(char type, String text) {
        out.write(type);
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
        return this;
    }
}
