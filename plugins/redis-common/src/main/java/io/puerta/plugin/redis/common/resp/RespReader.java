package io.puerta.plugin.redis.common.resp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis plugins' one RESP reply parser, over a whole reply in memory (what a reply merger is given) or over a
 * socket's stream ({@link BlockingRespClient}). Values: {@link String} (status), {@link RespError}, {@link Long},
 * {@code byte[]} (bulk; null for nil) and {@code List<Object>} (array; null for nil). RESP3 values read as their
 * RESP2 forms where they have one (null, a verbatim string's text without its format, a blob error, a map as a flat
 * list of keys and values, a set or a push as a list; attributes skipped), else as {@link Double},
 * {@link Boolean} and {@link java.math.BigInteger}.
 */
public final class RespReader {

    private final Input input;

    /** Reads the reply (or replies) in {@code reply}, from its position; the buffer itself is not moved. */
    public RespReader(ByteBuffer reply) {
        this.input = new BufferInput(reply.duplicate());
    }

    /** Reads replies from a stream as they arrive; {@link #read} then throws {@link UncheckedIOException}. */
    public RespReader(InputStream in) {
        this.input = new StreamInput(in);
    }

    /** The type byte of the next value, without taking it. In-memory replies only. */
    public byte peekType() {
        if (!(input instanceof BufferInput buffer)) {
            throw new IllegalStateException("peekType() is for in-memory replies");
        }
        return buffer.buffer.get(buffer.buffer.position());
    }

    /**
     * The next value.
     *
     * @throws IllegalArgumentException when the bytes are not RESP
     * @throws UncheckedIOException when the stream fails or ends inside a reply
     */
    public Object read() {
        int type = input.next();
        String line = line();
        switch (type) {
            case '+':
                return line;
            case '-':
                return new RespError(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] value = input.take(length);
                if (input.next() != '\r' || input.next() != '\n') {
                    throw new IllegalArgumentException("bulk string not terminated by CRLF");
                }
                return value;
            }
            case '*', '~', '>', '%': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                if (type == '%') {
                    count *= 2;
                }
                List<Object> items = new ArrayList<>(Math.min(count, 1024));
                for (int i = 0; i < count; i++) {
                    items.add(read());
                }
                return items;
            }
            case '_':
                return null;
            case ',':
                return switch (line) {
                    case "inf" -> Double.POSITIVE_INFINITY;
                    case "-inf" -> Double.NEGATIVE_INFINITY;
                    case "nan" -> Double.NaN;
                    default -> Double.parseDouble(line);
                };
            case '#':
                return line.equals("t");
            case '(':
                return new java.math.BigInteger(line);
            case '=', '!': {
                byte[] value = input.take(Integer.parseInt(line));
                if (input.next() != '\r' || input.next() != '\n') {
                    throw new IllegalArgumentException("string not terminated by CRLF");
                }
                if (type == '!') {
                    return new RespError(new String(value, StandardCharsets.UTF_8));
                }
                // "txt:..." : the three-letter format and its colon are not the text
                return value.length >= 4 ? java.util.Arrays.copyOfRange(value, 4, value.length) : value;
            }
            case '|': {
                int pairs = Integer.parseInt(line);
                for (int i = 0; i < 2 * pairs; i++) {
                    read(); // an attribute describes the value after it; no merger needs it
                }
                return read();
            }
            default:
                throw new IllegalArgumentException("unexpected RESP type '" + (char) type + "'");
        }
    }

    private String line() {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = input.next()) != '\r') {
            line.append((char) b);
        }
        if (input.next() != '\n') {
            throw new IllegalArgumentException("reply line not terminated by CRLF");
        }
        // lines are ASCII in practice; decode as UTF-8 all the same, as servers may put any text in an error
        return new String(line.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private interface Input {
        int next();

        byte[] take(int length);
    }

    private record BufferInput(ByteBuffer buffer) implements Input {
        @Override
        public int next() {
            try {
                return buffer.get() & 0xff;
            } catch (BufferUnderflowException e) {
                throw new IllegalArgumentException("reply ends early");
            }
        }

        @Override
        public byte[] take(int length) {
            if (buffer.remaining() < length) {
                throw new IllegalArgumentException("reply ends early");
            }
            byte[] bytes = new byte[length];
            buffer.get(bytes);
            return bytes;
        }
    }

    private record StreamInput(InputStream in) implements Input {
        @Override
        public int next() {
            try {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("connection closed inside a reply");
                }
                return b;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public byte[] take(int length) {
            try {
                byte[] bytes = in.readNBytes(length);
                if (bytes.length < length) {
                    throw new EOFException("truncated bulk reply");
                }
                return bytes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
