package io.puerta.runtime.protocol.mongo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.concurrent.atomic.AtomicInteger;

/** Frames the replies and requests the runtime writes itself: OP_MSG bodies and the legacy OP_REPLY. */
public final class MongoReplies {

    /** MongoDB's code for an internal error, used where no closer code exists. */
    public static final int INTERNAL_ERROR = 1;

    private static final AtomicInteger IDS = new AtomicInteger();

    private MongoReplies() {}

    /** A request or reply id for a message the proxy creates. */
    public static int nextId() {
        return IDS.incrementAndGet() & Integer.MAX_VALUE;
    }

    /** An OP_MSG whose single section is {@code body} (consumed). */
    public static ByteBuf opMsg(ByteBufAllocator alloc, int requestId, int responseTo, ByteBuf body) {
        ByteBuf header = alloc.buffer(21);
        header.writeIntLE(21 + body.readableBytes())
                .writeIntLE(requestId)
                .writeIntLE(responseTo)
                .writeIntLE(MongoFrame.OP_MSG)
                .writeIntLE(0)
                .writeByte(0);
        CompositeByteBuf message = alloc.compositeBuffer(2);
        message.addComponents(true, header, body);
        return message;
    }

    /** A legacy OP_REPLY carrying {@code body} (consumed), the answer to an OP_QUERY. */
    public static ByteBuf opReply(ByteBufAllocator alloc, int responseTo, ByteBuf body) {
        ByteBuf header = alloc.buffer(36);
        header.writeIntLE(36 + body.readableBytes())
                .writeIntLE(nextId())
                .writeIntLE(responseTo)
                .writeIntLE(MongoFrame.OP_REPLY)
                .writeIntLE(0) // responseFlags
                .writeLongLE(0) // cursorID
                .writeIntLE(0) // startingFrom
                .writeIntLE(1); // numberReturned
        CompositeByteBuf message = alloc.compositeBuffer(2);
        message.addComponents(true, header, body);
        return message;
    }

    /**
     * An error reply to a request of {@code opCode}: {@code {ok: 0, errmsg, code, codeName}}, as an OP_MSG or, for an
     * OP_QUERY, an OP_REPLY.
     */
    public static ByteBuf error(
            ByteBufAllocator alloc, int opCode, int responseTo, String message, int code, String codeName) {
        ByteBuf body = new BsonWriter(alloc)
                .dbl("ok", 0)
                .string("errmsg", message)
                .int32("code", code)
                .string("codeName", codeName)
                .finish();
        return reply(alloc, opCode, responseTo, body);
    }

    /** {@code body} (consumed) as the answer to a request of {@code opCode}: an OP_REPLY to an OP_QUERY, else an OP_MSG. */
    public static ByteBuf reply(ByteBufAllocator alloc, int opCode, int responseTo, ByteBuf body) {
        return opCode == MongoFrame.OP_QUERY
                ? opReply(alloc, responseTo, body)
                : opMsg(alloc, nextId(), responseTo, body);
    }
}
