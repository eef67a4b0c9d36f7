package io.puerta.runtime.protocol.mongo;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads single fields of a BSON document in place, without decoding it: routing needs a handful of top-level
 * fields of each message, never the whole document. Every method checks bounds and throws
 * {@link MalformedBsonException} for a document that lies about its sizes.
 */
public final class BsonScan {

    public static final byte DOUBLE = 0x01;
    public static final byte STRING = 0x02;
    public static final byte DOCUMENT = 0x03;
    public static final byte ARRAY = 0x04;
    public static final byte BINARY = 0x05;
    public static final byte BOOLEAN = 0x08;
    public static final byte INT32 = 0x10;
    public static final byte INT64 = 0x12;

    private BsonScan() {}

    /** The document's length, checked against what the buffer holds from {@code doc}. */
    public static int documentLength(ByteBuf buf, int doc, int limit) {
        if (doc + 5 > limit) {
            throw new MalformedBsonException("document header beyond the message");
        }
        int length = buf.getIntLE(doc);
        if (length < 5 || doc + length > limit || buf.getByte(doc + length - 1) != 0) {
            throw new MalformedBsonException("document length " + length + " does not fit the message");
        }
        return length;
    }

    /**
     * The offset of the element type byte of field {@code name} in the document at {@code doc}, or -1.
     *
     * @param limit the end of the bytes the document may occupy
     */
    public static int find(ByteBuf buf, int doc, int limit, String name) {
        int end = doc + documentLength(buf, doc, limit) - 1;
        int at = doc + 4;
        while (at < end) {
            int nameStart = at + 1;
            int nameEnd = cstringEnd(buf, nameStart, end);
            if (nameEquals(buf, nameStart, nameEnd, name)) {
                return at;
            }
            at = nameEnd + 1 + valueLength(buf, buf.getByte(at), nameEnd + 1, end);
        }
        return -1;
    }

    /** The name of the first element of the document (a command's name), or null for an empty document. */
    public static String firstName(ByteBuf buf, int doc, int limit) {
        int end = doc + documentLength(buf, doc, limit) - 1;
        int at = doc + 4;
        if (at >= end) {
            return null;
        }
        int nameEnd = cstringEnd(buf, at + 1, end);
        return buf.toString(at + 1, nameEnd - at - 1, StandardCharsets.UTF_8);
    }

    /** Where the value of the element at {@code element} starts. */
    public static int valueAt(ByteBuf buf, int element, int limit) {
        return cstringEnd(buf, element + 1, limit) + 1;
    }

    public static byte type(ByteBuf buf, int element) {
        return buf.getByte(element);
    }

    /** A string value at {@code value}. */
    public static String string(ByteBuf buf, int value, int limit) {
        int length = buf.getIntLE(value);
        if (length < 1 || value + 4 + length > limit) {
            throw new MalformedBsonException("string length " + length + " does not fit the document");
        }
        return buf.toString(value + 4, length - 1, StandardCharsets.UTF_8);
    }

    /** An integral value (int32, int64 or a whole double), or null for another type. */
    public static Long integral(ByteBuf buf, int element, int limit) {
        int value = valueAt(buf, element, limit);
        return switch (type(buf, element)) {
            case INT32 -> (long) buf.getIntLE(value);
            case INT64 -> buf.getLongLE(value);
            case DOUBLE -> (long) Double.longBitsToDouble(buf.getLongLE(value));
            default -> null;
        };
    }

    /** A boolean value (or a number's truth, as MongoDB reads {@code startTransaction: 1}), or null. */
    public static Boolean bool(ByteBuf buf, int element, int limit) {
        if (type(buf, element) == BOOLEAN) {
            return buf.getByte(valueAt(buf, element, limit)) != 0;
        }
        Long number = integral(buf, element, limit);
        return number == null ? null : number != 0;
    }

    /** The number of bytes of a value of {@code type} at {@code value}. */
    static int valueLength(ByteBuf buf, byte type, int value, int end) {
        int length =
                switch (type) {
                    case DOUBLE, 0x09, 0x11, INT64 -> 8; // double, UTC datetime, timestamp, int64
                    case STRING, 0x0D, 0x0E -> 4 + checkedInt(buf, value, end); // string, JavaScript, symbol
                    case DOCUMENT, ARRAY, 0x0F -> checkedInt(buf, value, end); // document, array, code w/ scope
                    case BINARY -> 5 + checkedInt(buf, value, end);
                    case 0x06, 0x0A, 0x7F, (byte) 0xFF -> 0; // undefined, null, max key, min key
                    case 0x07 -> 12; // ObjectId
                    case BOOLEAN -> 1;
                    case 0x0B -> { // regex: two cstrings
                        int first = cstringEnd(buf, value, end);
                        yield cstringEnd(buf, first + 1, end) + 1 - value;
                    }
                    case 0x0C -> 4 + checkedInt(buf, value, end) + 12; // DBPointer
                    case INT32 -> 4;
                    case 0x13 -> 16; // decimal128
                    default -> throw new MalformedBsonException("unknown BSON type 0x" + Integer.toHexString(type));
                };
        if (length < 0 || value + length > end) {
            throw new MalformedBsonException("value of type " + type + " does not fit the document");
        }
        return length;
    }

    private static int checkedInt(ByteBuf buf, int at, int end) {
        if (at + 4 > end) {
            throw new MalformedBsonException("length beyond the document");
        }
        return buf.getIntLE(at);
    }

    /**
     * The zero that ends the C string at {@code start}, at {@code end} (inclusive) at the latest. A start past the end
     * is refused rather than searched: Netty's indexOf would search backwards.
     */
    static int cstringEnd(ByteBuf buf, int start, int end) {
        if (start > end) {
            throw new MalformedBsonException("field name beyond the document");
        }
        int zero = buf.indexOf(start, Math.min(end + 1, buf.writerIndex()), (byte) 0);
        if (zero < 0) {
            throw new MalformedBsonException("unterminated field name");
        }
        return zero;
    }

    private static boolean nameEquals(ByteBuf buf, int start, int end, String name) {
        if (end - start != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (buf.getByte(start + i) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A document that does not hold together. */
    public static final class MalformedBsonException extends RuntimeException {
        public MalformedBsonException(String message) {
            super(message, null, false, false);
        }
    }
}
