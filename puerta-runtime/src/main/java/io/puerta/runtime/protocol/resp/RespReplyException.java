package io.puerta.runtime.protocol.resp;

/** A backend sent bytes that are not a RESP reply; the connection to it cannot be trusted anymore. */
public final class RespReplyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RespReplyException(String message) {
        super(message);
    }
}
