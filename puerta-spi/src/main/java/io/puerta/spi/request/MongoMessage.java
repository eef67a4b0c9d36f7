package io.puerta.spi.request;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A MongoDB wire message: the standard header plus the few fields routing needs, read without decoding whole
 * documents. Fields the message does not carry are empty.
 */
public interface MongoMessage extends Request {

    /** The opCode from the header (2013 OP_MSG, 2004 OP_QUERY, 2012 OP_COMPRESSED, ...). */
    int opCode();

    /** The requestID from the header. */
    int requestId();

    /** The responseTo from the header. */
    int responseTo();

    /** The whole message, header included, as a read-only buffer. Valid only during the call. */
    ByteBuffer bytes();

    /** The command name: the first key of the body document, when the message is a command. */
    Optional<String> commandName();

    /** The {@code $db} field of an OP_MSG, or the database of an OP_QUERY's full collection name. */
    Optional<String> database();

    /** The 16 bytes of the {@code lsid.id} UUID, when the message belongs to a logical session. */
    Optional<ByteBuffer> lsid();

    /** The {@code txnNumber}, when present. */
    OptionalLong txnNumber();

    @Override
    default Protocol protocol() {
        return Protocol.MONGO;
    }
}
