package io.puerta.runtime.protocol.resp;

/**
 * Emitted by {@link RespRequestDecoder} in place of a request it could not decode. It takes that request's place
 * in the reply order; the connection is closed once it is written, as Redis does.
 */
public record RespProtocolError(String message) {}
