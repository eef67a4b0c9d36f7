package io.puerta.runtime.protocol.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Encodes the RESP values the proxy produces itself: arrays of bulk strings, errors, integers. */
public final class RespWriter {

    private static final byte[] CRLF = {'\r', '\n'};

    private RespWriter() {}

    /** A RESP array of bulk strings. */
    public static ByteBuf array(ByteBufAllocator alloc, List<byte[]> args) {
        ByteBuf buf = alloc.buffer(arrayLength(args));
        writeArray(buf, args);
        return buf;
    }

    /** How many bytes {@link #writeArray} writes for {@code args}. */
    public static int arrayLength(List<byte[]> args) {
        int count = args.size();
        int size = arrayHeaderLength(count);
        for (int i = 0; i < count; i++) { // by index: a split's parts are encoded per request, an iterator each
            int length = args.get(i).length;
            size += bulkHeaderLength(length) + length + 2;
        }
        return size;
    }

    /** Writes a RESP array of bulk strings to {@code buf}. */
    public static void writeArray(ByteBuf buf, List<byte[]> args) {
        int count = args.size();
        writeHeader(buf, '*', count);
        for (int i = 0; i < count; i++) {
            byte[] arg = args.get(i);
            writeHeader(buf, '$', arg.length);
            buf.writeBytes(arg).writeBytes(CRLF);
        }
    }

    /**
     * Writes a RESP array of bulk strings into {@code dst} at {@code at}, which has room for
     * {@link #arrayLength}{@code (args)} bytes; returns where it ends. Plain array stores: a split request's parts,
     * some 30 headers and arguments for a 10-key MSET, each a checked buffer call when written to a ByteBuf.
     */
    public static int writeArray(byte[] dst, int at, List<byte[]> args) {
        int count = args.size();
        at = writeHeader(dst, at, '*', count);
        for (int i = 0; i < count; i++) {
            byte[] arg = args.get(i);
            at = writeHeader(dst, at, '$', arg.length);
            System.arraycopy(arg, 0, dst, at, arg.length);
            at += arg.length;
            dst[at++] = '\r';
            dst[at++] = '\n';
        }
        return at;
    }

    private static int writeHeader(byte[] dst, int at, char type, int n) {
        dst[at++] = (byte) type;
        int end = at + digits(n);
        for (int i = end - 1; i >= at; i--) {
            dst[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
        dst[end] = '\r';
        dst[end + 1] = '\n';
        return end + 2;
    }

    /** A command the proxy sends itself (a greeting, a login), given as text: a RESP array of UTF-8 bulk strings. */
    public static ByteBuf command(ByteBufAllocator alloc, List<String> args) {
        List<byte[]> bytes = new java.util.ArrayList<>(args.size());
        for (String arg : args) {
            bytes.add(arg.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return array(alloc, bytes);
    }

    /**
     * An error reply. A message that starts with one of the error codes Redis defines ("CROSSSLOT ...",
     * "NOPROTO ...") keeps it; any other is prefixed with "ERR ", so that a message which merely starts with an
     * upper-case word ("BLPOP is not supported") is not mistaken for a code. Line breaks are replaced, as a RESP
     * error is one line.
     */
    public static ByteBuf error(ByteBufAllocator alloc, String message) {
        String line = message.replace('\r', ' ').replace('\n', ' ');
        if (!hasErrorCode(line)) {
            line = "ERR " + line;
        }
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return alloc.buffer(bytes.length + 3).writeByte('-').writeBytes(bytes).writeBytes(CRLF);
    }

    /** An integer reply. */
    public static ByteBuf integer(ByteBufAllocator alloc, long value) {
        ByteBuf buf = alloc.buffer(24);
        writeHeader(buf, ':', value);
        return buf;
    }

    private static final byte[] OK = {'+', 'O', 'K', '\r', '\n'};

    /**
     * {@code +OK}, the most common reply, as a buffer of its own over shared bytes that nobody writes: no pooled
     * buffer to take and give back (a merged MSET's {@code +OK} from the pool was 3.4% of a 10-slot MSET's samples
     * in cluster mode).
     */
    public static ByteBuf ok() {
        return Unpooled.wrappedBuffer(OK);
    }

    /** Whether {@code length} bytes at {@code at} are {@code +OK\r\n}. */
    public static boolean isOk(ByteBuf buf, int at, int length) {
        return length == OK.length
                && buf.getByte(at) == '+'
                && buf.getByte(at + 1) == 'O'
                && buf.getByte(at + 2) == 'K'
                && buf.getByte(at + 3) == '\r'
                && buf.getByte(at + 4) == '\n';
    }

    /** A status reply such as {@code +OK}. */
    public static ByteBuf status(ByteBufAllocator alloc, String status) {
        byte[] bytes = status.getBytes(StandardCharsets.UTF_8);
        return alloc.buffer(bytes.length + 3).writeByte('+').writeBytes(bytes).writeBytes(CRLF);
    }

    /** Writes "<type><n>\r\n". */
    public static void writeHeader(ByteBuf buf, char type, long n) {
        buf.writeByte(type);
        if (n >= 0 && n < 10) {
            buf.writeByte('0' + (int) n); // most headers: a command's few arguments, a short argument
        } else if (n > 0) {
            writeDigits(buf, n); // no String per header: a key's length is often 10 or more
        } else {
            buf.writeCharSequence(Long.toString(n), StandardCharsets.US_ASCII);
        }
        buf.writeBytes(CRLF);
    }

    /** The decimal digits of {@code n} (positive), most significant first. */
    private static void writeDigits(ByteBuf buf, long n) {
        int count = digits(n);
        int at = buf.writerIndex();
        buf.ensureWritable(count);
        for (int i = count - 1; i >= 0; i--) {
            buf.setByte(at + i, (int) ('0' + n % 10));
            n /= 10;
        }
        buf.writerIndex(at + count);
    }

    static int arrayHeaderLength(int count) {
        return 1 + digits(count) + 2;
    }

    static int bulkHeaderLength(int length) {
        return 1 + digits(length) + 2;
    }

    private static int digits(long n) {
        if (n < 0) {
            return Long.toString(n).length();
        }
        int count = 1;
        while (n >= 10) {
            n /= 10;
            count++;
        }
        return count;
    }

    private static boolean hasErrorCode(String line) {
        int space = line.indexOf(' ');
        return ERROR_CODES.contains(space < 0 ? line : line.substring(0, space));
    }

    /** The error codes Redis servers and clusters reply with, which clients may act on. */
    private static final java.util.Set<String> ERROR_CODES = java.util.Set.of(
            "ERR",
            "WRONGTYPE",
            "MOVED",
            "ASK",
            "CROSSSLOT",
            "TRYAGAIN",
            "CLUSTERDOWN",
            "MASTERDOWN",
            "LOADING",
            "BUSY",
            "BUSYKEY",
            "BUSYGROUP",
            "NOSCRIPT",
            "NOTBUSY",
            "NOAUTH",
            "WRONGPASS",
            "NOPERM",
            "NOPROTO",
            "READONLY",
            "EXECABORT",
            "OOM",
            "MISCONF",
            "NOREPLICAS",
            "NOGROUP",
            "UNBLOCKED",
            "INPROG");
}
