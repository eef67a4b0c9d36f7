package io.puerta.spi.request;

/** The wire protocol a listener speaks to clients. */
public enum Protocol {
    /** The Redis serialization protocol (RESP2 arrays of bulk strings, and inline commands). */
    RESP,
    /** The MongoDB wire protocol (OP_MSG, OP_QUERY, OP_COMPRESSED). */
    MONGO
}
