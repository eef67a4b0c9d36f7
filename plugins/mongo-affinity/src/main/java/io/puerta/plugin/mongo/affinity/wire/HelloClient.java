package io.puerta.plugin.mongo.affinity.wire;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

/**
 * Asks a mongos {@code hello} on {@code admin} (OP_MSG), and {@code isMaster} (legacy OP_QUERY) where hello is
 * unknown, on a blocking socket: for health checks and handshake probes, on their own threads, never an event loop.
 */
public final class HelloClient {

    private static final AtomicInteger IDS = new AtomicInteger();
    private static final int MAX_REPLY = 16 << 20;

    private HelloClient() {}

    /** The mongos's reply to hello (or isMaster); whether it says {@code ok: 1} is the caller's to check. */
    public static BsonDocument hello(String host, int port, Duration timeout) throws IOException {
        return hello(javax.net.SocketFactory.getDefault(), host, port, timeout);
    }

    /** As {@link #hello(String, int, Duration)}, with sockets from {@code sockets} (the backend's: TLS, say). */
    public static BsonDocument hello(javax.net.SocketFactory sockets, String host, int port, Duration timeout)
            throws IOException {
        // a Backend of a plugin's own (or a test's mock) may not say: plain sockets then
        try (Socket socket = (sockets == null ? javax.net.SocketFactory.getDefault() : sockets).createSocket()) {
            int millis = (int) Math.max(1, timeout.toMillis());
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            BsonDocument hello = new BsonDocument("hello", new BsonInt32(1)).append("$db", new BsonString("admin"));
            BsonDocument reply = call(socket, MongoWire.opMsg(IDS.incrementAndGet(), 0, hello));
            if (ok(reply) || !helloUnknown(reply)) {
                return reply;
            }
            return call(
                    socket,
                    MongoWire.opQuery(IDS.incrementAndGet(), "admin", new BsonDocument("isMaster", new BsonInt32(1))));
        }
    }

    public static boolean ok(BsonDocument reply) {
        return reply.containsKey("ok")
                && reply.get("ok").isNumber()
                && reply.getNumber("ok").doubleValue() == 1.0;
    }

    private static boolean helloUnknown(BsonDocument reply) {
        int code = reply.containsKey("code") && reply.get("code").isNumber()
                ? reply.getNumber("code").intValue()
                : 0;
        return code == 59; // CommandNotFound: a server older than hello
    }

    private static BsonDocument call(Socket socket, ByteBuffer request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.array(), request.arrayOffset() + request.position(), request.remaining());
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] lengthBytes = new byte[4];
        in.readFully(lengthBytes);
        int length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (length < 21 || length > MAX_REPLY) {
            throw new IOException("reply length " + length + " is not a MongoDB message");
        }
        byte[] message = new byte[length];
        System.arraycopy(lengthBytes, 0, message, 0, 4);
        in.readFully(message, 4, length - 4);
        try {
            return MongoWire.body(ByteBuffer.wrap(message));
        } catch (RuntimeException e) {
            throw new IOException("unreadable reply: " + e.getMessage(), e);
        }
    }
}
