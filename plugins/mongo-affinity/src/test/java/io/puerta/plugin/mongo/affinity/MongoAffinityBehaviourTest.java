package io.puerta.plugin.mongo.affinity;

import static io.puerta.plugin.mongo.affinity.MongoAffinityProxyTest.client;
import static io.puerta.plugin.mongo.affinity.MongoAffinityProxyTest.count;
import static io.puerta.plugin.mongo.affinity.MongoAffinityProxyTest.proxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoException;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.puerta.plugin.mongo.affinity.testing.MongosServer;
import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.TestProxy;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Balancing, failures, transactions, authentication and bad input, each on servers of its own. */
class MongoAffinityBehaviourTest {

    private final List<MongosServer> servers = new ArrayList<>();

    @BeforeEach
    void start() {
        for (int i = 0; i < 3; i++) {
            servers.add(MongosServer.start());
        }
    }

    @AfterEach
    void stop() {
        servers.forEach(MongosServer::close);
    }

    /** The index of the one server holding the collection's documents; fails if they are spread. */
    private int holder(String database, String collection) {
        int holder = -1;
        for (int i = 0; i < servers.size(); i++) {
            if (count(servers.get(i), database, collection) > 0) {
                assertEquals(-1, holder, "documents on more than one server");
                holder = i;
            }
        }
        assertTrue(holder >= 0, "no server holds " + database + "." + collection);
        return holder;
    }

    @Test
    void twoApplicationsAreSpreadAndEachKeepsItsMongos() {
        try (TestProxy proxy = proxy("fingerprint", servers, "");
                MongoClient a = client(proxy, "app-a", 10);
                MongoClient b = client(proxy, "app-b", 10)) {
            for (int i = 0; i < 20; i++) {
                a.getDatabase("spread").getCollection("a").insertOne(new Document("i", i));
                b.getDatabase("spread").getCollection("b").insertOne(new Document("i", i));
            }
            assertNotEquals(holder("spread", "a"), holder("spread", "b"), "round robin gives each its own mongos");
        }
    }

    @Test
    void severalProxiesWithRendezvousHashingAgreeOnTheMongosOfAClient() {
        String rendezvous = "mongo-affinity.balance = rendezvous";
        try (TestProxy first = proxy("fingerprint", servers, rendezvous);
                TestProxy second = proxy("fingerprint", servers, rendezvous)) {
            for (String app : List.of("alpha", "beta", "gamma", "delta")) {
                try (MongoClient viaFirst = client(first, app, 2);
                        MongoClient viaSecond = client(second, app, 2)) {
                    viaFirst.getDatabase("rv").getCollection(app).insertOne(new Document("via", 1));
                    viaSecond.getDatabase("rv").getCollection(app).insertOne(new Document("via", 2));
                }
                holder("rv", app); // both inserts on one server: the two proxies chose alike, sharing nothing
            }
        }
    }

    @Test
    void aStoppedMongosCostsOnlyTheWorkThatWasOnIt() throws Exception {
        try (TestProxy proxy = proxy("fingerprint", servers, "");
                MongoClient a = client(proxy, "app-a", 5);
                MongoClient b = client(proxy, "app-b", 5)) {
            MongoCollection<Document> aItems = a.getDatabase("fail").getCollection("a");
            MongoCollection<Document> bItems = b.getDatabase("fail").getCollection("b");
            aItems.insertOne(new Document("before", true));
            bItems.insertOne(new Document("before", true));
            int aServer = holder("fail", "a");
            int bServer = holder("fail", "b");
            assertNotEquals(aServer, bServer);

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger bErrors = new AtomicInteger();
            AtomicInteger bDone = new AtomicInteger();
            CompletableFuture<Void> bWork = CompletableFuture.runAsync(() -> {
                while (running.get()) {
                    try {
                        bItems.insertOne(new Document("n", bDone.get()));
                        bItems.find(Filters.eq("n", bDone.get())).first();
                        bDone.incrementAndGet();
                    } catch (MongoException e) {
                        bErrors.incrementAndGet();
                    }
                }
            });
            Await.until("B's work is under way", () -> bDone.get() >= 5);
            servers.get(aServer).stop();
            long stoppedAt = System.nanoTime();
            // A's next operations fail until the proxy sees the mongos down, then land on a healthy one
            long recovered = -1;
            while (System.nanoTime() - stoppedAt < TimeUnit.SECONDS.toNanos(10)) {
                try {
                    aItems.insertOne(new Document("after", true));
                    recovered = System.nanoTime() - stoppedAt;
                    break;
                } catch (MongoException expected) {
                    Thread.sleep(50);
                }
            }
            assertTrue(recovered > 0, "A recovered after its mongos stopped");
            for (int i = 0; i < 10; i++) {
                aItems.insertOne(new Document("later", i));
            }
            assertEquals(10, aItems.countDocuments(Filters.exists("later")), "A's new work is whole, on one mongos");
            running.set(false);
            bWork.get(10, TimeUnit.SECONDS);
            assertEquals(0, bErrors.get(), "B, on another mongos, never noticed");
            assertTrue(bDone.get() > 0);
        }
    }

    @Test
    void aMongosFailingItsChecksLosesItsSplicedConnectionsAndItsClientsMoveOn() throws Exception {
        try (TestProxy proxy = proxy("fingerprint", servers, "");
                MongoClient a = client(proxy, "app-a", 5)) {
            MongoCollection<Document> items = a.getDatabase("sick").getCollection("a");
            items.insertOne(new Document("before", true));
            int sick = holder("sick", "a");
            servers.get(sick).unhealthy(true); // still serving its connections, but failing hello
            // the proxy marks it down, closes its spliced connections; the driver reconnects elsewhere
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean moved = false;
            for (int attempt = 0; !moved && System.nanoTime() < deadline; attempt++) {
                try {
                    int onSick = servers.get(sick).documents("sick", "a");
                    items.insertOne(new Document("attempt", attempt));
                    moved = servers.get(sick).documents("sick", "a") == onSick
                            && items.countDocuments(Filters.eq("attempt", attempt)) == 1;
                } catch (MongoException closedByTheProxy) {
                    Thread.sleep(50);
                }
            }
            assertTrue(moved, "new work left the mongos that fails its checks");
            servers.get(sick).unhealthy(false);

            // a spliced connection that never asks hello again is closed by the proxy itself
            try (Socket raw = new Socket("127.0.0.1", proxy.port())) {
                raw.setSoTimeout(5000);
                raw.getOutputStream().write(isMaster());
                InputStream in = raw.getInputStream();
                byte[] length = in.readNBytes(4);
                int size =
                        ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getInt();
                assertEquals(size - 4, in.readNBytes(size - 4).length, "the handshake was answered: spliced");
                servers.forEach(server -> server.unhealthy(true)); // wherever it went, its mongos goes down
                assertEquals(-1, in.read(), "closed when its mongos was marked down");
            } finally {
                servers.forEach(server -> server.unhealthy(false));
            }
        }
    }

    /** A legacy isMaster on admin.$cmd, as a raw OP_QUERY. */
    private static byte[] isMaster() {
        byte[] query = {19, 0, 0, 0, 16, 'i', 's', 'M', 'a', 's', 't', 'e', 'r', 0, 1, 0, 0, 0, 0};
        byte[] collection = "admin.$cmd\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer message = ByteBuffer.allocate(16 + 4 + collection.length + 8 + query.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        message.putInt(message.capacity()).putInt(1).putInt(0).putInt(2004).putInt(0);
        message.put(collection).putInt(0).putInt(-1).put(query);
        return message.array();
    }

    @Test
    void aCursorOnAStoppedMongosFailsWithAClearErrorWhileOtherSessionsGoOn() throws Exception {
        try (TestProxy proxy = proxy("session-id", servers, "");
                MongoClient client = client(proxy, "cursors", 10)) {
            MongoCollection<Document> items = client.getDatabase("cur").getCollection("items");
            List<ClientSession> sessions = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                ClientSession session = client.startSession();
                sessions.add(session);
                for (int i = 0; i < 10; i++) {
                    items.insertOne(session, new Document("s", s).append("i", i));
                }
            }
            // three sessions, round robin: one per server
            ClientSession doomed = sessions.get(0);
            int doomedServer = -1;
            for (int i = 0; i < servers.size(); i++) {
                if (count(servers.get(i), "cur", "items") == 10 && doomedServer < 0) {
                    try (MongoClient direct = com.mongodb.client.MongoClients.create(
                            "mongodb://" + servers.get(i).address() + "/?directConnection=true")) {
                        if (direct.getDatabase("cur").getCollection("items").countDocuments(Filters.eq("s", 0)) == 10) {
                            doomedServer = i;
                        }
                    }
                }
            }
            assertTrue(doomedServer >= 0, "session 0's documents are together on one server");
            MongoCursor<Document> cursor =
                    items.find(doomed, Filters.eq("s", 0)).batchSize(2).iterator();
            cursor.next();
            cursor.next(); // the first batch; the rest needs getMore
            servers.get(doomedServer).stop();
            String doomedAddress = servers.get(doomedServer).address();
            Await.until(
                    "the proxy marks " + doomedAddress + " down",
                    () -> Boolean.FALSE.equals(proxy.backendUp(doomedAddress)));
            MongoException error = assertThrows(MongoException.class, () -> {
                while (cursor.hasNext()) {
                    cursor.next();
                }
            });
            assertTrue(
                    error.getMessage().contains("is down") || error.getMessage().contains("unavailable"),
                    error.getMessage());
            for (int s = 1; s < 3; s++) {
                assertEquals(10, items.countDocuments(sessions.get(s), Filters.eq("s", s)), "session " + s);
            }
            sessions.forEach(ClientSession::close);
        }
    }

    @Test
    void transactionsStayOnTheMongosWhereTheyStarted() throws Exception {
        try (TestProxy proxy = proxy("session-id", servers, "");
                MongoClient client = client(proxy, "tx", 20)) {
            MongoCollection<Document> orders = client.getDatabase("tx").getCollection("orders");
            ExecutorService threads = Executors.newFixedThreadPool(8);
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                work.add(threads.submit(() -> {
                    try (ClientSession session = client.startSession()) {
                        for (int n = 0; n < 5; n++) {
                            session.startTransaction();
                            for (int i = 0; i < 3; i++) {
                                orders.insertOne(
                                        session,
                                        new Document("t", thread).append("n", n).append("i", i));
                            }
                            orders.updateOne(
                                    session,
                                    Filters.and(Filters.eq("t", thread), Filters.eq("n", n), Filters.eq("i", 0)),
                                    Updates.set("first", true));
                            session.commitTransaction();
                        }
                        assertEquals(15, orders.countDocuments(session, Filters.eq("t", thread)));
                    }
                    return null;
                }));
            }
            for (Future<?> future : work) {
                future.get(60, TimeUnit.SECONDS);
            }
            threads.shutdown();
            int committed = servers.stream().mapToInt(MongosServer::committed).sum();
            assertEquals(40, committed, "every transaction committed where it ran");
        }
    }

    @Test
    void malformedMessagesCloseOnlyTheirConnection() throws Exception {
        try (TestProxy proxy = proxy("socket-addr", servers, "");
                MongoClient healthy = client(proxy, "healthy", 2)) {
            healthy.getDatabase("bad").getCollection("c").insertOne(new Document("ok", 1));
            assertClosed(proxy, header(5, 2013)); // a length below the header's
            assertClosed(proxy, header(64, 4242)); // an opCode MongoDB does not have
            assertClosed(proxy, header(Integer.MAX_VALUE, 2013)); // beyond max-mongo-message-bytes
            ByteBuffer lying = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
            lying.putInt(32)
                    .putInt(1)
                    .putInt(0)
                    .putInt(2013)
                    .putInt(0)
                    .put((byte) 0)
                    .putInt(5000); // body "5000 bytes"
            assertClosed(proxy, lying.array());
            try (Socket truncated = new Socket("127.0.0.1", proxy.port())) {
                truncated.getOutputStream().write(header(100, 2013)); // then nothing: waits for the rest
            }
            assertEquals(1, healthy.getDatabase("bad").getCollection("c").countDocuments(), "others go on");
        }
    }

    @Test
    void thePerMessageModeAuthenticatesItsOwnConnectionsAndRefusesLoginsWithoutProxyUsers() {
        List<MongosServer> secured =
                List.of(MongosServer.start("puerta", "s3cr3t"), MongosServer.start("puerta", "s3cr3t"));
        try (TestProxy proxy = proxy(
                        "session-id", secured, "mongo { username = puerta, password = s3cr3t, auth-source = admin }");
                MongoClient client = client(proxy, "auth", 5)) {
            MongoCollection<Document> items = client.getDatabase("auth").getCollection("items");
            for (int i = 0; i < 10; i++) {
                items.insertOne(new Document("i", i));
            }
            assertTrue(secured.stream()
                            .mapToInt(MongosServer::authenticatedConnections)
                            .sum()
                    > 0);
            try (MongoClient withCredentials = com.mongodb.client.MongoClients.create(
                    "mongodb://someone:pw@127.0.0.1:" + proxy.port() + "/?serverSelectionTimeoutMS=3000")) {
                MongoException refused = assertThrows(MongoException.class, () -> withCredentials
                        .getDatabase("auth")
                        .getCollection("items")
                        .countDocuments());
                assertTrue(
                        String.valueOf(refused.getMessage()).contains("the proxy has no users to log in as")
                                || String.valueOf(refused.getCause()).contains("the proxy has no users to log in as"),
                        String.valueOf(refused));
            }
        } finally {
            secured.forEach(MongosServer::close);
        }
        List<MongosServer> wrong = List.of(MongosServer.start("puerta", "other"));
        try (TestProxy proxy = proxy("session-id", wrong, "mongo { username = puerta, password = s3cr3t }");
                MongoClient client = client(proxy, "wrong", 2)) {
            MongoException error = assertThrows(
                    MongoException.class,
                    () -> client.getDatabase("auth").getCollection("items").insertOne(new Document()));
            assertTrue(error.getMessage().contains("refused the proxy's credentials"), error.getMessage());
        } finally {
            wrong.forEach(MongosServer::close);
        }
    }

    @Test
    void aFloodOfMalformedConnectionsIsAFewLogLinesNotOnePerConnection() throws Exception {
        try (io.puerta.runtime.testing.LogCapture logs = io.puerta.runtime.testing.LogCapture.start();
                TestProxy proxy = proxy("socket-addr", servers, "")) {
            for (int i = 0; i < 200; i++) {
                assertClosed(proxy, header(64, 4242));
            }
            List<String> lines = logs.lines().stream()
                    .filter(l -> l.contains("malformed MongoDB message"))
                    .toList();
            long warnings = lines.stream().filter(l -> l.contains(" WARN ")).count();
            // at most one per 10 s (an earlier test of this JVM may have had this interval's)
            assertTrue(warnings <= 1, "WARN lines for 200 malformed connections: " + warnings);
            assertEquals(200, lines.size(), "each one still at DEBUG");
            assertEquals(
                    200,
                    proxy.server().metrics().counter("puerta.errors.protocol").getCount(),
                    "and counted");
        }
    }

    private static byte[] header(int length, int opCode) {
        return ByteBuffer.allocate(16)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(length)
                .putInt(1)
                .putInt(0)
                .putInt(opCode)
                .array();
    }

    private static void assertClosed(TestProxy proxy, byte[] bytes) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
            socket.setSoTimeout(3000);
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            assertEquals(-1, in.read(), "the proxy closes a connection that sent a malformed message");
        }
    }
}
