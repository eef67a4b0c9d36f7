package io.puerta.plugin.mongo.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.puerta.plugin.mongo.affinity.testing.MongosServer;
import io.puerta.runtime.testing.TestProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MongoDB Java driver talks through Puerta to three in-process mongos-like servers, each with its own data: a
 * message sent to the wrong one shows as missing documents, CursorNotFound or NoSuchTransaction.
 */
class MongoAffinityProxyTest {

    static final List<MongosServer> SERVERS = new ArrayList<>();

    @BeforeAll
    static void start() {
        for (int i = 0; i < 3; i++) {
            SERVERS.add(MongosServer.start());
        }
    }

    @AfterAll
    static void stop() {
        SERVERS.forEach(MongosServer::close);
    }

    static String backends(List<MongosServer> servers) {
        StringBuilder text = new StringBuilder("backends = [");
        for (MongosServer server : servers) {
            text.append("{ address = \"").append(server.address()).append("\" },");
        }
        return text.append("]").toString();
    }

    static TestProxy proxy(String identifier, List<MongosServer> servers, String extra) {
        return TestProxy.start(
                "protocol = mongo\nrouter = mongo-affinity\nclient-identifier = " + identifier + "\n"
                        + backends(servers)
                        + "\nhealth-check { checker = mongo-hello, interval = 200ms, timeout = 500ms, fall = 1, rise = 1 }\n"
                        + extra,
                null);
    }

    static MongoClient client(TestProxy proxy, String application, int pool) {
        return MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + proxy.port()))
                .applicationName(application)
                .applyToConnectionPoolSettings(b -> b.maxSize(pool).minSize(Math.min(pool, 20)))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(5, TimeUnit.SECONDS))
                .applyToSocketSettings(
                        b -> b.connectTimeout(2, TimeUnit.SECONDS).readTimeout(10, TimeUnit.SECONDS))
                .build());
    }

    /** What every strategy must get right: one client, many pooled connections, small batches, exact results. */
    @ParameterizedTest
    @ValueSource(strings = {"socket-addr", "fingerprint", "session-id", "hybrid"})
    void aPooledClientReadsUpdatesAndDeletesExactlyWhatItWrote(String strategy) throws Exception {
        try (TestProxy proxy = proxy(strategy, SERVERS, "");
                MongoClient client = client(proxy, "pooled-" + strategy, 30)) {
            MongoCollection<Document> items =
                    client.getDatabase("db_" + strategy.replace('-', '_')).getCollection("items");
            ExecutorService threads = Executors.newFixedThreadPool(20);
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 20; t++) {
                int thread = t;
                work.add(threads.submit(() -> {
                    // one session per thread: with session-id, the session is the identity
                    try (ClientSession session = client.startSession()) {
                        List<Document> docs = new ArrayList<>();
                        for (int i = 0; i < 40; i++) {
                            docs.add(new Document("_id", thread * 1000 + i)
                                    .append("t", thread)
                                    .append("v", i));
                        }
                        items.insertMany(session, docs);
                        List<Integer> seen = new ArrayList<>();
                        // batches of 3: a dozen getMore calls, on whichever pooled connection is free
                        for (Document doc :
                                items.find(session, Filters.eq("t", thread)).batchSize(3)) {
                            seen.add(doc.getInteger("v"));
                        }
                        assertEquals(40, seen.size(), "documents of thread " + thread);
                        assertEquals(
                                40,
                                items.updateMany(session, Filters.eq("t", thread), Updates.set("done", true))
                                        .getModifiedCount());
                        assertEquals(
                                20,
                                items.deleteMany(session, Filters.and(Filters.eq("t", thread), Filters.lt("v", 20)))
                                        .getDeletedCount());
                        int left = 0;
                        for (Document doc :
                                items.find(session, Filters.eq("t", thread)).batchSize(4)) {
                            assertTrue(doc.getBoolean("done"));
                            assertTrue(doc.getInteger("v") >= 20);
                            left++;
                        }
                        assertEquals(20, left);
                    }
                    return null;
                }));
            }
            for (Future<?> future : work) {
                future.get(60, TimeUnit.SECONDS);
            }
            threads.shutdown();
            // where the data went: one mongos for a connection-level identity, several for sessions
            List<Long> perServer = new ArrayList<>();
            for (MongosServer server : SERVERS) {
                perServer.add(count(server, items.getNamespace().getDatabaseName(), "items"));
            }
            assertEquals(400, perServer.stream().mapToLong(Long::longValue).sum(), perServer.toString());
            long serversUsed = perServer.stream().filter(n -> n > 0).count();
            if (strategy.equals("socket-addr") || strategy.equals("fingerprint")) {
                assertEquals(1, serversUsed, "one client, one mongos: " + perServer);
            } else {
                assertTrue(serversUsed > 1, "20 sessions spread over the mongos: " + perServer);
            }
        }
    }

    /** Documents in a collection of one server, asked directly. */
    static long count(MongosServer server, String database, String collection) {
        try (MongoClient direct = MongoClients.create("mongodb://" + server.address() + "/?directConnection=true")) {
            return direct.getDatabase(database).getCollection(collection).countDocuments();
        }
    }
}
