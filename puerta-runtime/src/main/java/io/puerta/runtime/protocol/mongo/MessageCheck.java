package io.puerta.runtime.protocol.mongo;

import io.netty.buffer.ByteBuf;
import java.util.zip.CRC32C;

/**
 * Checks that a whole OP_MSG or OP_QUERY holds together the way a server reads it: known flag bits only, a checksum
 * that matches when one is present, sections of the kinds the protocol defines, every BSON document well formed to
 * the last nested element. Per message, clients share the proxy's mongos connections, and a server that cannot read
 * a message may close its connection under every other client: such a message must cost its own sender alone.
 * Routing reads only the fields it needs; this reads everything, once, in a single pass.
 */
public final class MessageCheck {

    /** OP_MSG flags drivers set: checksumPresent, moreToCome, exhaustAllowed. */
    private static final int KNOWN_FLAGS = 0x1 | 0x2 | 0x10000;
    /** Nesting deeper than servers accept. */
    private static final int MAX_DEPTH = 100;

    private MessageCheck() {}

    /**
     * Checks the frame at the buffer's reader index (header included).
     *
     * @throws BsonScan.MalformedBsonException naming the first thing that does not hold together
     */
    public static void check(ByteBuf buf, int opCode) {
        int start = buf.readerIndex();
        int end = start + buf.readableBytes();
        if (opCode == MongoFrame.OP_MSG) {
            checkMsg(buf, start, end);
        } else if (opCode == MongoFrame.OP_QUERY) {
            checkQuery(buf, start, end);
        }
    }

    private static void checkMsg(ByteBuf buf, int start, int end) {
        if (end - start < 21) {
            throw new BsonScan.MalformedBsonException("OP_MSG too short");
        }
        int flags = buf.getIntLE(start + 16);
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw new BsonScan.MalformedBsonException("OP_MSG flag bits 0x" + Integer.toHexString(flags) + " unknown");
        }
        int sectionsEnd = end;
        if ((flags & 0x1) != 0) {
            sectionsEnd = end - 4;
            CRC32C crc = new CRC32C();
            crc.update(buf.nioBuffer(start, sectionsEnd - start));
            if ((int) crc.getValue() != buf.getIntLE(sectionsEnd)) {
                throw new BsonScan.MalformedBsonException("OP_MSG checksum does not match");
            }
        }
        int at = start + 20;
        int bodies = 0;
        while (at < sectionsEnd) {
            byte kind = buf.getByte(at);
            if (kind == 0) {
                bodies++;
                at = document(buf, at + 1, sectionsEnd, 0);
            } else if (kind == 1) {
                if (at + 5 > sectionsEnd) {
                    throw new BsonScan.MalformedBsonException("OP_MSG document sequence header beyond the message");
                }
                int size = buf.getIntLE(at + 1);
                int sequenceEnd = at + 1 + size;
                if (size < 5 || sequenceEnd > sectionsEnd) {
                    throw new BsonScan.MalformedBsonException("OP_MSG document sequence of " + size + " bytes");
                }
                int doc = cstringEnd(buf, at + 5, sequenceEnd) + 1;
                while (doc < sequenceEnd) {
                    doc = document(buf, doc, sequenceEnd, 0);
                }
                at = sequenceEnd;
            } else {
                throw new BsonScan.MalformedBsonException("OP_MSG section of kind " + kind);
            }
        }
        if (bodies != 1) {
            throw new BsonScan.MalformedBsonException("OP_MSG with " + bodies + " body sections (one is required)");
        }
    }

    private static void checkQuery(ByteBuf buf, int start, int end) {
        int name = start + 20;
        int at = cstringEnd(buf, name, end) + 1 + 8; // the collection name, numberToSkip, numberToReturn
        at = document(buf, at, end, 0);
        if (at < end) {
            at = document(buf, at, end, 0); // returnFieldsSelector
        }
        if (at != end) {
            throw new BsonScan.MalformedBsonException("OP_QUERY has " + (end - at) + " bytes after its documents");
        }
    }

    /** Checks the document at {@code doc}, elements and all; returns where it ends. */
    private static int document(ByteBuf buf, int doc, int limit, int depth) {
        if (depth > MAX_DEPTH) {
            throw new BsonScan.MalformedBsonException("documents nested deeper than " + MAX_DEPTH);
        }
        int length = BsonScan.documentLength(buf, doc, limit);
        int last = doc + length - 1; // the terminating zero
        int at = doc + 4;
        while (at < last) {
            byte type = buf.getByte(at);
            int value = cstringEnd(buf, at + 1, last) + 1;
            int valueLength = BsonScan.valueLength(buf, type, value, last);
            switch (type) {
                case BsonScan.DOCUMENT, BsonScan.ARRAY -> document(buf, value, value + valueLength, depth + 1);
                case BsonScan.STRING, 0x0D, 0x0E -> string(buf, value, value + valueLength);
                case 0x0F -> { // code with scope: total length, string, document
                    int code = value + 4;
                    int scope = string(buf, code, value + valueLength);
                    if (document(buf, scope, value + valueLength, depth + 1) != value + valueLength) {
                        throw new BsonScan.MalformedBsonException("code with scope of inconsistent length");
                    }
                }
                case BsonScan.BINARY -> {
                    if (buf.getIntLE(value) < 0) {
                        throw new BsonScan.MalformedBsonException("binary of negative length");
                    }
                }
                case 0x0C -> string(buf, value, value + valueLength - 12); // DBPointer: string, ObjectId
                default -> {
                    // fixed sizes, checked by valueLength
                }
            }
            at = value + valueLength;
        }
        if (at != last) {
            throw new BsonScan.MalformedBsonException("document elements overrun its length");
        }
        return doc + length;
    }

    /** A string value (int32 length including the trailing zero, the bytes, the zero); returns where it ends. */
    private static int string(ByteBuf buf, int value, int limit) {
        if (value + 4 > limit) {
            throw new BsonScan.MalformedBsonException("string length beyond the document");
        }
        int length = buf.getIntLE(value);
        if (length < 1 || value + 4 + length > limit || buf.getByte(value + 4 + length - 1) != 0) {
            throw new BsonScan.MalformedBsonException("string of length " + length + " does not hold together");
        }
        return value + 4 + length;
    }

    /** As {@link BsonScan#cstringEnd}, with {@code end} exclusive. */
    private static int cstringEnd(ByteBuf buf, int start, int end) {
        return BsonScan.cstringEnd(buf, start, end - 1);
    }
}
