package io.puerta.plugin.redis.common.resp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** An error reply of a server, such as {@code ERR wrong number of arguments}, read by {@link RespReader}. */
public record RespError(String message) {

    /** The error as a RESP reply, to pass on to a client. */
    public ByteBuffer toReply() {
        return ByteBuffer.wrap(("-" + message + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
}
