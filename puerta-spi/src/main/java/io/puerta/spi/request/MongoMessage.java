package io.puerta.spi.request;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
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

    /** The OP_MSG flagBits (0 for other opCodes). */
    int flagBits();

    /** Whether the sender expects no reply (OP_MSG {@code moreToCome}). */
    default boolean moreToCome() {
        return (flagBits() & 0x2) != 0;
    }

    /** {@code startTransaction}, when present: true on a transaction's first statement. */
    Optional<Boolean> startTransaction();

    /** {@code autocommit}, when present: false on every statement of a transaction. */
    Optional<Boolean> autocommit();

    /**
     * The cursor ids the message acts on: the one of a {@code getMore}, those of a {@code killCursors}; empty
     * otherwise.
     */
    List<Long> cursorIds();

    /**
     * The client metadata of a handshake ({@code hello}/{@code isMaster} with a {@code client} document), flattened
     * to dotted names: {@code application.name}, {@code driver.name}, {@code driver.version}, {@code os.type},
     * {@code os.name}, {@code os.architecture}, {@code platform}. Empty for other messages.
     */
    Map<String, String> clientMetadata();

    /**
     * The identity the configured client identifier gave this message's client: for identities per connection,
     * the one found when its first message arrived; for identities per message, this message's. Empty when the
     * identifier found none (the router then balances the message freely).
     */
    Optional<String> clientIdentity();

    @Override
    default Protocol protocol() {
        return Protocol.MONGO;
    }
}
