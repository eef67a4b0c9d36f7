package io.puerta.plugin.mongo.affinity.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.bson.BsonBinaryReader;
import org.bson.BsonBinaryWriter;
import org.bson.BsonDocument;
import org.bson.BsonType;
import org.bson.ByteBufNIO;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;
import org.bson.io.ByteBufferBsonInput;

/** MongoDB wire messages the plugin builds or reads whole: handshake replies, health checks, split killCursors. */
public final class MongoWire {

    public static final int OP_REPLY = 1;
    public static final int OP_QUERY = 2004;
    public static final int OP_MSG = 2013;

    private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();

    private MongoWire() {}

    public static byte[] encode(BsonDocument document) {
        BasicOutputBuffer out = new BasicOutputBuffer();
        CODEC.encode(
                new BsonBinaryWriter(out), document, EncoderContext.builder().build());
        return out.toByteArray();
    }

    /** An OP_MSG with one body section. */
    public static ByteBuffer opMsg(int requestId, int responseTo, BsonDocument body) {
        byte[] doc = encode(body);
        ByteBuffer message = ByteBuffer.allocate(21 + doc.length).order(ByteOrder.LITTLE_ENDIAN);
        message.putInt(21 + doc.length).putInt(requestId).putInt(responseTo).putInt(OP_MSG);
        message.putInt(0).put((byte) 0).put(doc);
        return message.flip();
    }

    /** A legacy OP_REPLY with one document: the answer to an OP_QUERY handshake. */
    public static ByteBuffer opReply(int requestId, int responseTo, BsonDocument body) {
        byte[] doc = encode(body);
        ByteBuffer message = ByteBuffer.allocate(36 + doc.length).order(ByteOrder.LITTLE_ENDIAN);
        message.putInt(36 + doc.length).putInt(requestId).putInt(responseTo).putInt(OP_REPLY);
        message.putInt(0).putLong(0).putInt(0).putInt(1).put(doc);
        return message.flip();
    }

    /** A legacy OP_QUERY of one command on {@code database}.$cmd (isMaster for servers without hello). */
    public static ByteBuffer opQuery(int requestId, String database, BsonDocument command) {
        byte[] collection = (database + ".$cmd").getBytes(StandardCharsets.UTF_8);
        byte[] doc = encode(command);
        int length = 16 + 4 + collection.length + 1 + 8 + doc.length;
        ByteBuffer message = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        message.putInt(length).putInt(requestId).putInt(0).putInt(OP_QUERY);
        message.putInt(0).put(collection).put((byte) 0).putInt(0).putInt(-1).put(doc);
        return message.flip();
    }

    /** The body of a whole message: an OP_MSG's kind-0 section, an OP_REPLY's first document, an OP_QUERY's query. */
    public static BsonDocument body(ByteBuffer message) {
        ByteBuffer buf = message.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int start = buf.position();
        int opCode = buf.getInt(start + 12);
        int doc = bodyOffset(buf, start, opCode);
        buf.position(doc);
        try (BsonBinaryReader reader = new BsonBinaryReader(new ByteBufferBsonInput(new ByteBufNIO(buf.slice())))) {
            return CODEC.decode(reader, DecoderContext.builder().build());
        }
    }

    /**
     * The {@code cursor.id} of a reply, read without decoding the rest (a batch of documents may be large); null
     * when the reply has none. Ids are any int64 but 0, which means the cursor is exhausted.
     */
    public static Long cursorId(ByteBuffer message) {
        ByteBuffer buf = message.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int start = buf.position();
        if (buf.remaining() < 26 || buf.getInt(start + 12) != OP_MSG || buf.get(start + 20) != 0) {
            return null;
        }
        buf.position(start + 21);
        try (BsonBinaryReader reader = new BsonBinaryReader(new ByteBufferBsonInput(new ByteBufNIO(buf.slice())))) {
            reader.readStartDocument();
            while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
                String name = reader.readName();
                if (name.equals("cursor") && reader.getCurrentBsonType() == BsonType.DOCUMENT) {
                    reader.readStartDocument();
                    while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
                        String field = reader.readName();
                        if (field.equals("id") && reader.getCurrentBsonType() == BsonType.INT64) {
                            return reader.readInt64();
                        }
                        reader.skipValue();
                    }
                    return null;
                }
                reader.skipValue();
            }
            return null;
        }
    }

    private static int bodyOffset(ByteBuffer buf, int start, int opCode) {
        switch (opCode) {
            case OP_MSG -> {
                int flags = buf.getInt(start + 16);
                int end = start + buf.getInt(start) - ((flags & 1) != 0 ? 4 : 0);
                int at = start + 20;
                while (at < end) {
                    if (buf.get(at) == 0) {
                        return at + 1;
                    }
                    at += 1 + buf.getInt(at + 1);
                }
                throw new IllegalArgumentException("OP_MSG without a body section");
            }
            case OP_REPLY -> {
                return start + 36;
            }
            case OP_QUERY -> {
                int at = start + 20;
                while (buf.get(at) != 0) {
                    at++;
                }
                return at + 1 + 8;
            }
            default -> throw new IllegalArgumentException("no body to read in opCode " + opCode);
        }
    }
}
