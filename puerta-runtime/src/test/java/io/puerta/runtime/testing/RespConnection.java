package io.puerta.runtime.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A test's RESP client that keeps every reply's type: RESP2 and RESP3 alike, so a test can tell a map from a flat
 * array, a double from a string, a push from a reply. Commands go as arrays of bulk strings.
 */
public final class RespConnection implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RespConnection(int port) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One reply: its RESP type byte and its value: a String (simple string, error, number, double, boolean, big
     * number), a byte[] (bulk or verbatim string, the verbatim's format left out), a List of replies (array, set,
     * push, and a map as keys and values in turn), or null (nil, null).
     */
    public record Reply(char type, Object value) {

        public String text() {
            return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
        }

        @SuppressWarnings("unchecked")
        public List<Reply> items() {
            return (List<Reply>) value;
        }

        public boolean isError() {
            return type == '-' || type == '!';
        }

        /** A canonical text with types, for comparing replies: {@code %{$a=:1}}, {@code *[$x,_]}. */
        @Override
        public String toString() {
            if (value == null) {
                return type + "nil";
            }
            if (value instanceof List<?>) {
                StringBuilder text = new StringBuilder().append(type).append('[');
                List<Reply> items = items();
                for (int i = 0; i < items.size(); i++) {
                    text.append(i == 0 ? "" : ",").append(items.get(i));
                }
                return text.append(']').toString();
            }
            return type + text();
        }
    }

    public Reply call(String... args) {
        send(args);
        return read();
    }

    public RespConnection send(String... args) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            frame.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            frame.writeBytes(bytes);
            frame.writeBytes(new byte[] {'\r', '\n'});
        }
        try {
            out.write(frame.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public Reply read() {
        try {
            return value();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits at most {@code millis} for a reply; null when none came. */
    public Reply readWithin(int millis) {
        try {
            socket.setSoTimeout(millis);
            return value();
        } catch (java.net.SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                socket.setSoTimeout(10_000);
            } catch (IOException ignored) {
                // closed
            }
        }
    }

    private Reply value() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new IOException("connection closed by the server");
        }
        String line = line();
        char t = (char) type;
        switch (t) {
            case '+', '-', ':', ',', '#', '(':
                return new Reply(t, line);
            case '_':
                return new Reply(t, null);
            case '$', '=', '!': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return new Reply(t, null);
                }
                byte[] bytes = in.readNBytes(length);
                in.readNBytes(2);
                if (t == '=') {
                    bytes = java.util.Arrays.copyOfRange(bytes, 4, bytes.length);
                }
                return new Reply(t, t == '!' ? new String(bytes, StandardCharsets.UTF_8) : bytes);
            }
            case '*', '~', '>', '%': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return new Reply(t, null);
                }
                List<Reply> items = new ArrayList<>();
                for (int i = 0; i < (t == '%' ? 2 * count : count); i++) {
                    items.add(value());
                }
                return new Reply(t, items);
            }
            case '|': {
                int pairs = Integer.parseInt(line);
                for (int i = 0; i < 2 * pairs; i++) {
                    value();
                }
                return value();
            }
            default:
                throw new IOException("not RESP: type byte " + type);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\r') {
            if (b < 0) {
                throw new IOException("connection closed inside a reply");
            }
            line.write(b);
        }
        in.read();
        return line.toString(StandardCharsets.UTF_8);
    }

    public boolean closedByServer() {
        try {
            socket.setSoTimeout(5_000);
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
