package io.puerta.runtime.protocol.resp;

import io.netty.buffer.ByteBuf;
import io.puerta.runtime.protocol.OwnedFrame;
import io.puerta.spi.request.ClientInfo;
import io.puerta.spi.request.RespCommand;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A decoded RESP command: the complete request frame, as received (so it can be forwarded unchanged), plus where
 * each argument lies in it; an {@link OwnedFrame}.
 */
public final class RespRequest extends OwnedFrame implements RespCommand {

    private final ClientInfo client;
    private final int[] argStarts;
    private final int[] argLengths;
    private String name;
    private ConnectionSetup setup = ConnectionSetup.DEFAULT;

    RespRequest(ClientInfo client, ByteBuf frame, int[] argStarts, int[] argLengths) {
        super(frame);
        this.client = client;
        this.argStarts = argStarts;
        this.argLengths = argLengths;
    }

    /**
     * A request the proxy makes up from arguments, as if {@code client} had sent them (a HELLO without the AUTH
     * part, which must never reach a backend).
     */
    public static RespRequest of(
            ClientInfo client, io.netty.buffer.ByteBufAllocator alloc, java.util.List<byte[]> args) {
        ByteBuf frame = RespWriter.array(alloc, args);
        int[] starts = new int[args.size()];
        int[] lengths = new int[args.size()];
        int at = RespWriter.arrayHeaderLength(args.size());
        for (int i = 0; i < args.size(); i++) {
            int length = args.get(i).length;
            at += RespWriter.bulkHeaderLength(length);
            starts[i] = at;
            lengths[i] = length;
            at += length + 2;
        }
        return new RespRequest(client, frame, starts, lengths);
    }

    /**
     * The command in {@code frame}, a complete RESP array of bulk strings (as the proxy forwards requests), read
     * again to route it once more; a retained view, so {@code frame} stays the caller's. Null when it is not such
     * an array.
     */
    public static RespRequest parse(ClientInfo client, ByteBuf frame) {
        int base = frame.readerIndex();
        int end = frame.writerIndex();
        if (end - base < 4 || frame.getByte(base) != '*') {
            return null;
        }
        int cr = RespLines.findCrlf(frame, base + 1, RespLines.MAX_HEADER_LINE);
        long count = cr < 0 ? -1 : RespLines.parseLong(frame, base + 1, cr);
        if (count <= 0 || count > (end - base) / 4) {
            return null;
        }
        int[] starts = new int[(int) count];
        int[] lengths = new int[(int) count];
        int pos = cr + 2;
        for (int i = 0; i < count; i++) {
            if (pos >= end || frame.getByte(pos) != '$') {
                return null;
            }
            cr = RespLines.findCrlf(frame, pos + 1, RespLines.MAX_HEADER_LINE);
            long length = cr < 0 ? -1 : RespLines.parseLong(frame, pos + 1, cr);
            if (length < 0 || cr + 2 + length + 2 > end) {
                return null;
            }
            starts[i] = cr + 2 - base;
            lengths[i] = (int) length;
            pos = (int) (cr + 2 + length + 2);
        }
        return new RespRequest(client, frame.retainedDuplicate(), starts, lengths);
    }

    /** The client's setup when it sent this request: which backend connections it goes on, which RESP it reads. */
    public ConnectionSetup setup() {
        return setup;
    }

    /** Set by the client connection as it reads the request (and for a request read again, from its first read). */
    public RespRequest setup(ConnectionSetup setup) {
        this.setup = setup;
        return this;
    }

    @Override
    public int respVersion() {
        return setup.protocol();
    }

    /** Whether the command name is {@code upper} (ASCII upper case), read without allocating. */
    public boolean nameIs(String upper) {
        if (argLengths[0] != upper.length()) {
            return false;
        }
        ByteBuf frame = frame();
        int at = frame.readerIndex() + argStarts[0];
        for (int i = 0; i < upper.length(); i++) {
            int b = frame.getByte(at + i);
            if ((b >= 'a' && b <= 'z' ? b - ('a' - 'A') : b) != upper.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public ClientInfo client() {
        return client;
    }

    @Override
    public String name() {
        String cached = name;
        if (cached == null) {
            ByteBuf frame = frame();
            cached = CommandNames.upperCase(frame, frame.readerIndex() + argStarts[0], argLengths[0]);
            name = cached;
        }
        return cached;
    }

    @Override
    public int argCount() {
        return argStarts.length;
    }

    @Override
    public ByteBuffer arg(int index) {
        return frame().nioBuffer(frame().readerIndex() + argStarts[index], argLengths[index])
                .asReadOnlyBuffer();
    }

    @Override
    public byte[] argBytes(int index) {
        byte[] bytes = new byte[argLengths[index]];
        frame().getBytes(frame().readerIndex() + argStarts[index], bytes);
        return bytes;
    }

    @Override
    public String argString(int index) {
        return frame().toString(frame().readerIndex() + argStarts[index], argLengths[index], StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "RespRequest[" + (frame() == null ? "released" : name() + ", " + argCount() + " args") + "]";
    }
}
