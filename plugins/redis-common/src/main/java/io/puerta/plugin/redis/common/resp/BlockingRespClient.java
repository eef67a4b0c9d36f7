package io.puerta.plugin.redis.common.resp;

import io.puerta.spi.backend.Backend;
import io.puerta.spi.backend.Credentials;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * A small blocking RESP client for a plugin's control traffic: health checks, topology queries, key migration.
 * Blocking is fine on the runtime's health-check threads and on a plugin's own threads, never on the routing stage
 * or an event loop. Replies are read by {@link RespReader}: String (status), {@link RespError}, Long, byte[] (bulk;
 * null for nil) and List&lt;Object&gt; (array; null for nil).
 */
public final class BlockingRespClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final RespReader reader;

    /** Connects, with {@code timeout} for the connection and for every reply. */
    public BlockingRespClient(String host, int port, Duration timeout) throws IOException {
        this(javax.net.SocketFactory.getDefault(), host, port, timeout);
    }

    /** Connects with sockets from {@code sockets} (TLS ones, say), with {@code timeout} for the connection and replies. */
    public BlockingRespClient(javax.net.SocketFactory sockets, String host, int port, Duration timeout)
            throws IOException {
        // a Backend of a plugin's own (or a test's mock) may not say: plain sockets then
        socket = (sockets == null ? javax.net.SocketFactory.getDefault() : sockets).createSocket();
        try {
            int millis = (int) Math.max(1, timeout.toMillis());
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            reader = new RespReader(in);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Connects to {@code backend} as the runtime does ({@link Backend#socketFactory() TLS} when the backends speak it)
     * and logs in with its {@link Backend#credentials() credentials}, if it has any: the way every plugin connection
     * (health checks, topology queries, migrations) reaches a backend.
     *
     * @throws IOException when the backend cannot be reached, or refuses the login ("authentication failed: " and the
     *     server's words, never the secret)
     */
    public static BlockingRespClient connect(Backend backend, Duration timeout) throws IOException {
        BlockingRespClient client =
                new BlockingRespClient(backend.socketFactory(), backend.host(), backend.port(), timeout);
        Optional<Credentials> credentials = backend.credentials();
        if (credentials.isEmpty()) {
            return client;
        }
        try {
            Object reply = client.call(credentials.get().authCommand().toArray(String[]::new));
            if (reply instanceof RespError error) {
                throw new IOException("authentication failed: " + error.message());
            }
            return client;
        } catch (IOException e) {
            client.close();
            throw e;
        }
    }

    /** Sends one command and reads its reply. */
    public Object call(String... args) throws IOException {
        byte[][] bytes = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            bytes[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return call(bytes);
    }

    /** Sends one command with binary arguments and reads its reply. */
    public Object call(byte[]... args) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] bytes : args) {
            request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            request.writeBytes(bytes);
            request.writeBytes(new byte[] {'\r', '\n'});
        }
        out.write(request.toByteArray());
        out.flush();
        return read();
    }

    private Object read() throws IOException {
        try {
            return reader.read();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (IllegalArgumentException e) {
            throw new IOException("unreadable reply: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
