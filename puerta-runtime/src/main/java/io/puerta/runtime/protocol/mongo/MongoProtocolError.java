package io.puerta.runtime.protocol.mongo;

/**
 * Emitted by {@link MongoFrameDecoder} for input that is not a MongoDB message. The MongoDB wire protocol has no
 * error frame for garbage, so the connection is closed after this is logged.
 */
public record MongoProtocolError(String message) {}
