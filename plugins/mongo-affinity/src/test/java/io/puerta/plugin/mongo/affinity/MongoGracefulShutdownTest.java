package io.puerta.plugin.mongo.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import io.puerta.plugin.mongo.affinity.testing.MongosServer;
import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.TestProxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Graceful shutdown drains MongoDB clients as it drains RESP ones: a getMore in flight when shutdown begins gets its
 * batch, then the connection closes. Per connection (spliced) and per message (multiplexed) alike.
 */
class MongoGracefulShutdownTest {

    @ParameterizedTest
    @ValueSource(strings = {"fingerprint", "session-id"})
    void aCursorOpenMidShutdownGetsItsBatchBeforeTheConnectionCloses(String identifier) throws Exception {
        try (MongosServer mongos = MongosServer.start()) {
            TestProxy proxy = MongoAffinityProxyTest.proxy(identifier, List.of(mongos), "");
            try (MongoClient client = MongoAffinityProxyTest.client(proxy, "drain", 1)) {
                MongoCollection<Document> items = client.getDatabase("drain").getCollection("items");
                for (int i = 0; i < 10; i++) {
                    items.insertOne(new Document("i", i));
                }
                MongoCursor<Document> cursor = items.find().batchSize(2).iterator();
                cursor.next();
                cursor.next(); // the first batch: the rest needs getMore

                MongosServer.Hold getMore = mongos.hold("getMore");
                CompletableFuture<Integer> nextBatch = CompletableFuture.supplyAsync(() -> {
                    cursor.next();
                    cursor.next();
                    return 2;
                });
                Await.until("the getMore reached the mongos", getMore::arrived);
                CompletableFuture<Void> closing = CompletableFuture.runAsync(proxy::close);
                Await.until("the proxy stops accepting connections", () -> !proxy.acceptsConnections());
                assertFalse(nextBatch.isDone(), "the getMore waits for its mongos");

                getMore.release();
                assertEquals(2, nextBatch.get(10, TimeUnit.SECONDS), "the getMore owed at shutdown is answered");
                closing.get(10, TimeUnit.SECONDS);
            } finally {
                proxy.close();
            }
        }
    }
}
