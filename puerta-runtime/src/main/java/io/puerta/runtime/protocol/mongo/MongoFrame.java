package io.puerta.runtime.protocol.mongo;

import io.netty.buffer.ByteBuf;
import io.puerta.runtime.protocol.OwnedFrame;

/**
 * One MongoDB wire message, header included, as a retained slice of the input: an {@link OwnedFrame}.
 */
public final class MongoFrame extends OwnedFrame {

    /** The standard header: messageLength, requestID, responseTo, opCode; four little-endian int32s. */
    public static final int HEADER_BYTES = 16;

    public static final int OP_REPLY = 1;
    public static final int OP_QUERY = 2004;
    public static final int OP_COMPRESSED = 2012;
    public static final int OP_MSG = 2013;

    /** OP_MSG flagBits: the sender sends another message without waiting for an answer. */
    public static final int MORE_TO_COME = 0x2;

    private final int requestId;
    private final int responseTo;
    private final int opCode;

    MongoFrame(ByteBuf bytes) {
        super(bytes);
        int start = bytes.readerIndex();
        this.requestId = bytes.getIntLE(start + 4);
        this.responseTo = bytes.getIntLE(start + 8);
        this.opCode = bytes.getIntLE(start + 12);
    }

    /** A frame over {@code bytes}, a whole message the caller checked, which the frame then owns. */
    public static MongoFrame of(ByteBuf bytes) {
        if (bytes.readableBytes() < HEADER_BYTES || bytes.getIntLE(bytes.readerIndex()) != bytes.readableBytes()) {
            bytes.release();
            throw new BsonScan.MalformedBsonException("not one whole MongoDB message");
        }
        return new MongoFrame(bytes);
    }

    public int length() {
        return frame().readableBytes();
    }

    public int requestId() {
        return requestId;
    }

    public int responseTo() {
        return responseTo;
    }

    public int opCode() {
        return opCode;
    }

    /** The message bytes, still owned by this frame ({@link #frame()}). */
    public ByteBuf bytes() {
        return frame();
    }

    /**
     * Whether the peer answers this message: not when it is an OP_MSG with {@code moreToCome} (a write without
     * acknowledgement). An OP_COMPRESSED message is taken to expect one (its flags are compressed).
     */
    public boolean expectsReply() {
        return !moreToCome(frame());
    }

    /** Whether {@code message} (a whole message) is an OP_MSG with the {@code moreToCome} flag: more follows it. */
    public static boolean moreToCome(ByteBuf message) {
        int start = message.readerIndex();
        return message.readableBytes() >= 20
                && message.getIntLE(start + 12) == OP_MSG
                && (message.getIntLE(start + 16) & MORE_TO_COME) != 0;
    }

    /** Whether the proxy knows this opCode (the ones drivers send since MongoDB 3.6, plus the legacy handshake). */
    public static boolean knownOpCode(int opCode) {
        return opCode == OP_MSG || opCode == OP_QUERY || opCode == OP_COMPRESSED || opCode == OP_REPLY;
    }
}
