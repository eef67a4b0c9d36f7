package io.puerta.plugin.mongo.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import io.puerta.plugin.mongo.affinity.testing.MongosServer;
import io.puerta.runtime.testing.FaultReport;
import io.puerta.runtime.testing.FuzzConnection;
import io.puerta.runtime.testing.TestProxy;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fault suite's MongoDB fuzzing, per message (the mode where clients share the proxy's mongos connections):
 * 10^5 frames — half valid OP_MSG pings, half mutated (flipped bytes, huge or negative lengths, opcodes no driver
 * sends, bogus OP_COMPRESSED, truncations, garbage) — from fuzzing connections, while the official driver runs
 * cursors beside them. The driver must see no error; every fuzzing connection must end, none hang.
 */
@Tag("faults")
class MongoFuzzFaultTest {

    private static final int FRAMES = 100_000;
    private static final int FRAMES_PER_CONNECTION = 250;

    @Test
    void fuzzedMessagesDisturbNoOtherClient() throws Exception {
        try (MongosServer mongos = MongosServer.start();
                TestProxy proxy = MongoAffinityProxyTest.proxy("session-id", List.of(mongos), "");
                MongoClient innocent = MongoAffinityProxyTest.client(proxy, "innocent", 4)) {
            MongoCollection<Document> items = innocent.getDatabase("shared").getCollection("items");
            for (int i = 0; i < 40; i++) {
                items.insertOne(new Document("i", i));
            }
            AtomicLong sent = new AtomicLong();
            AtomicLong connections = new AtomicLong();
            AtomicLong hung = new AtomicLong();
            AtomicBoolean running = new AtomicBoolean(true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            List<CompletableFuture<Void>> fuzzers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Random random = new Random(t);
                fuzzers.add(CompletableFuture.runAsync(() -> {
                    while (sent.get() < FRAMES && System.nanoTime() < deadline) {
                        fuzzConnection(proxy.port(), random, hung);
                        connections.incrementAndGet();
                        sent.addAndGet(FRAMES_PER_CONNECTION);
                    }
                }));
            }
            List<String> errors = new ArrayList<>();
            long operations = 0;
            while ((!fuzzers.stream().allMatch(CompletableFuture::isDone) || operations < 200)
                    && System.nanoTime() < deadline) {
                try {
                    int seen = 0;
                    for (Document ignored : items.find().batchSize(3)) {
                        seen++;
                    }
                    operations++;
                    if (seen != 40) {
                        errors.add("a cursor returned " + seen + " documents of 40");
                    }
                } catch (MongoException e) {
                    errors.add(e.getMessage());
                }
            }
            running.set(false);
            CompletableFuture.allOf(fuzzers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            new FaultReport(
                            "10^5 fuzzed MongoDB frames, per message (" + connections.get() + " connections, "
                                    + hung.get() + " hung) beside the driver's cursors",
                            operations,
                            errors.size(),
                            errors.isEmpty() ? "no error" : errors.get(0),
                            0,
                            0,
                            0)
                    .publish();
            assertTrue(sent.get() >= FRAMES, "frames sent: " + sent.get());
            assertEquals(0, hung.get(), "fuzzing connections that neither ended nor were answered");
            assertEquals(List.of(), errors, "the driver's errors over " + operations + " cursors");
        }
    }

    /** Sends a batch of mutated frames on a connection of its own (see {@link FuzzConnection}). */
    private static void fuzzConnection(int port, Random random, AtomicLong hung) {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < FRAMES_PER_CONNECTION; i++) {
            byte[] frame = mutate(ping(i), random);
            batch.write(frame, 0, frame.length);
        }
        if (FuzzConnection.hangs(port, batch.toByteArray())) {
            hung.incrementAndGet();
        }
    }

    /** An OP_MSG {ping: 1, $db: "admin"} with request id {@code id}. */
    private static byte[] ping(int id) {
        ByteBuffer bson = new RawBsonDocument(new Document("ping", 1).append("$db", "admin"), new DocumentCodec())
                .getByteBuffer()
                .asNIO();
        byte[] document = new byte[bson.remaining()];
        bson.get(document);
        ByteBuffer body = ByteBuffer.allocate(5 + document.length).order(ByteOrder.LITTLE_ENDIAN);
        body.putInt(0).put((byte) 0).put(document);
        return frame(id, 2013, body.array());
    }

    private static byte[] frame(int id, int opCode, byte[] body) {
        ByteBuffer frame = ByteBuffer.allocate(16 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(16 + body.length).putInt(id).putInt(0).putInt(opCode).put(body);
        return frame.array();
    }

    private static byte[] mutate(byte[] frame, Random random) {
        if (random.nextBoolean()) {
            return frame;
        }
        byte[] copy = frame.clone();
        ByteBuffer header = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        switch (random.nextInt(7)) {
            case 0 -> copy[16 + random.nextInt(copy.length - 16)] = (byte) random.nextInt(256);
            case 1 -> header.putInt(0, random.nextBoolean() ? Integer.MAX_VALUE : -random.nextInt(100));
            case 2 -> header.putInt(12, new int[] {1, 2001, 2002, 2004, 2005, 2010, 9999}[random.nextInt(7)]);
            case 3 -> {
                ByteBuffer body = ByteBuffer.allocate(9 + 16).order(ByteOrder.LITTLE_ENDIAN);
                body.putInt(2013).putInt(64).put((byte) (1 + random.nextInt(3)));
                byte[] garbage = new byte[16];
                random.nextBytes(garbage);
                body.put(garbage);
                return frame(random.nextInt(), 2012, body.array());
            }
            case 4 -> {
                byte[] cut = new byte[1 + random.nextInt(copy.length - 1)];
                System.arraycopy(copy, 0, cut, 0, cut.length);
                return cut;
            }
            case 5 -> header.putInt(16, random.nextInt()); // flag bits no driver sets
            default -> {
                byte[] garbage = new byte[1 + random.nextInt(64)];
                random.nextBytes(garbage);
                return garbage;
            }
        }
        return copy;
    }
}
