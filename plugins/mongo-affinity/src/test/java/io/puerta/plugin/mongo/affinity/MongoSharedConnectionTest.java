package io.puerta.plugin.mongo.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import io.puerta.plugin.mongo.affinity.testing.MongosServer;
import io.puerta.runtime.testing.TestProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Per message, many clients' messages share the proxy's mongos connections: a message no driver sends (an OP_REPLY,
 * or an OP_COMPRESSED the proxy never offered) must cost its own sender alone, never go onto a shared connection
 * and make the mongos close it under everyone else's cursors.
 */
class MongoSharedConnectionTest {

    @Test
    void bogusMessagesFromOneClientDisturbNoOther() throws Exception {
        try (MongosServer mongos = MongosServer.start()) {
            try (TestProxy proxy = MongoAffinityProxyTest.proxy("session-id", List.of(mongos), "");
                    MongoClient innocent = MongoAffinityProxyTest.client(proxy, "innocent", 4)) {
                MongoCollection<Document> items = innocent.getDatabase("shared").getCollection("items");
                for (int i = 0; i < 40; i++) {
                    items.insertOne(new Document("i", i));
                }
                AtomicBoolean attacking = new AtomicBoolean(true);
                CompletableFuture<Integer> attacks = CompletableFuture.supplyAsync(() -> {
                    int sent = 0;
                    while (attacking.get() && sent < 200) {
                        for (byte[] message : List.of(opReply(), bogusCompressed())) {
                            sent += sendAndAwaitClose(proxy.port(), message) ? 1 : 0;
                        }
                    }
                    return sent;
                });
                List<String> errors = new ArrayList<>();
                int cursors = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while ((cursors < 32 || !attacks.isDone()) && System.nanoTime() < deadline && cursors < 400) {
                    try {
                        int seen = 0;
                        for (Document ignored : items.find().batchSize(3)) {
                            seen++;
                        }
                        assertEquals(40, seen);
                        cursors++;
                    } catch (MongoException e) {
                        errors.add(e.getMessage());
                    }
                    if (cursors >= 32) {
                        attacking.set(false);
                    }
                }
                attacking.set(false);
                int sent = attacks.get(30, TimeUnit.SECONDS);
                assertTrue(sent > 0, "the bogus messages were sent and their connections closed");
                assertEquals(List.of(), errors, "the innocent client saw no error over " + cursors + " cursors");
            }
        }
    }

    /** Sends one message on a connection of its own; whether the proxy then closed that connection. */
    private static boolean sendAndAwaitClose(int port, byte[] message) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(message);
            out.flush();
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // whatever it answers, the connection must end
            }
            return true;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    /** An OP_REPLY (opCode 1), which only servers send: flags, cursor id, start, count, one empty document. */
    private static byte[] opReply() {
        ByteBuffer body = ByteBuffer.allocate(20 + 5).order(ByteOrder.LITTLE_ENDIAN);
        body.putInt(0).putLong(0).putInt(0).putInt(1).putInt(5).put((byte) 0);
        return frame(1, body.array());
    }

    /** An OP_COMPRESSED (2012) claiming to hold an OP_MSG compressed with snappy, and holding garbage. */
    private static byte[] bogusCompressed() {
        ByteBuffer body = ByteBuffer.allocate(9 + 16).order(ByteOrder.LITTLE_ENDIAN);
        body.putInt(2013).putInt(64).put((byte) 1);
        for (int i = 0; i < 16; i++) {
            body.put((byte) 0x7f);
        }
        return frame(2012, body.array());
    }

    private static byte[] frame(int opCode, byte[] body) {
        ByteBuffer frame = ByteBuffer.allocate(16 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(16 + body.length).putInt(7).putInt(0).putInt(opCode).put(body);
        return frame.array();
    }
}
