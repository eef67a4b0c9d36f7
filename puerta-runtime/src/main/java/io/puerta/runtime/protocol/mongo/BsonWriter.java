package io.puerta.runtime.protocol.mongo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Writes the few small BSON documents the runtime itself sends (error replies, SCRAM conversations). Documents
 * nest: {@link #startDocument} and {@link #endDocument} pair up.
 */
public final class BsonWriter {

    private final ByteBuf out;
    private final int[] starts = new int[8];
    private int depth;

    public BsonWriter(ByteBufAllocator alloc) {
        this.out = alloc.buffer(128);
        begin();
    }

    public BsonWriter string(String name, String value) {
        name(BsonScan.STRING, name);
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeIntLE(bytes.length + 1).writeBytes(bytes).writeByte(0);
        return this;
    }

    public BsonWriter int32(String name, int value) {
        name(BsonScan.INT32, name);
        out.writeIntLE(value);
        return this;
    }

    public BsonWriter int64(String name, long value) {
        name(BsonScan.INT64, name);
        out.writeLongLE(value);
        return this;
    }

    public BsonWriter dbl(String name, double value) {
        name(BsonScan.DOUBLE, name);
        out.writeLongLE(Double.doubleToRawLongBits(value));
        return this;
    }

    public BsonWriter bool(String name, boolean value) {
        name(BsonScan.BOOLEAN, name);
        out.writeByte(value ? 1 : 0);
        return this;
    }

    /** Binary data of the generic subtype 0. */
    public BsonWriter binary(String name, byte[] value) {
        name(BsonScan.BINARY, name);
        out.writeIntLE(value.length).writeByte(0).writeBytes(value);
        return this;
    }

    public BsonWriter startDocument(String name) {
        name(BsonScan.DOCUMENT, name);
        begin();
        return this;
    }

    public BsonWriter endDocument() {
        end();
        return this;
    }

    /** The finished top-level document; the caller owns it. */
    public ByteBuf finish() {
        end();
        if (depth != 0) {
            out.release();
            throw new IllegalStateException("unclosed sub-document");
        }
        return out;
    }

    private void name(byte type, String name) {
        out.writeByte(type);
        out.writeCharSequence(name, StandardCharsets.UTF_8);
        out.writeByte(0);
    }

    private void begin() {
        starts[depth++] = out.writerIndex();
        out.writeIntLE(0);
    }

    private void end() {
        out.writeByte(0);
        int start = starts[--depth];
        out.setIntLE(start, out.writerIndex() - start);
    }
}
