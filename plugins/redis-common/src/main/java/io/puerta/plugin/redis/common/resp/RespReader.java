package io.puerta.plugin.redis.common.resp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the RESP values the proxy merges (integers, bulk strings, arrays of them) from a complete reply. Errors
 * are returned as {@link ServerError} so that a merger can pass them on.
 */
public final class RespReader {

    private final ByteBuffer buffer;

    public RespReader(ByteBuffer reply) {
        this.buffer = reply.duplicate();
    }

    public byte peekType() {
        return buffer.get(buffer.position());
    }

    /** The next value: Long, byte[] (or null), String (status), {@link ServerError}, or Object[] for arrays. */
    public Object read() {
        byte type = buffer.get();
        String line = line();
        switch (type) {
            case '+':
                return line;
            case '-':
                return new ServerError(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = new byte[length];
                buffer.get(bytes);
                buffer.position(buffer.position() + 2);
                return bytes;
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                Object[] items = new Object[count];
                for (int i = 0; i < count; i++) {
                    items[i] = read();
                }
                return items;
            }
            default:
                throw new IllegalArgumentException("unexpected RESP type '" + (char) type + "'");
        }
    }

    private String line() {
        int start = buffer.position();
        int end = start;
        while (buffer.get(end) != '\r') {
            end++;
        }
        byte[] bytes = new byte[end - start];
        buffer.get(bytes);
        buffer.position(end + 2);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** An error reply of a server, e.g. {@code ERR wrong number of arguments}. */
    public record ServerError(String message) {
        public ByteBuffer toReply() {
            return ByteBuffer.wrap(("-" + message + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}
