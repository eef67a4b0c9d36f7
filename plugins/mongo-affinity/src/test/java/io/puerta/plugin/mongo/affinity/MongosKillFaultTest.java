package io.puerta.plugin.mongo.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoException;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import io.puerta.plugin.mongo.affinity.testing.MongosServer;
import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.FaultClock;
import io.puerta.runtime.testing.FaultReport;
import io.puerta.runtime.testing.TestProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fault suite's killed mongos, per message (session-id): two mongos, cursors and transactions open on both,
 * and four driver threads inserting, when one mongos dies. What was on the dead mongos fails with an error (its
 * cursors and transactions cannot move: their state died with it); what was on the other completes; new work goes
 * to the live mongos from the first refused connection on (passive health; the active checks run only every 30 s
 * here). Each mongos of the fixture keeps its own data, so writes the dead one acknowledged are the server's loss,
 * not counted against the proxy.
 */
@Tag("faults")
class MongosKillFaultTest {

    @Test
    void cursorsAndTransactionsOnAKilledMongosFailAloneAndNewWorkMovesOnAtOnce() throws Exception {
        List<MongosServer> mongos = new ArrayList<>(List.of(MongosServer.start(), MongosServer.start()));
        try (TestProxy proxy = MongoAffinityProxyTest.proxy(
                        "session-id",
                        mongos,
                        "health-check { interval = 30s, fall = 3, rise = 1 }\nmongo-affinity.balance = round-robin\n");
                MongoClient driver = MongoAffinityProxyTest.client(proxy, "fault", 8)) {
            MongoCollection<Document> items = driver.getDatabase("kill").getCollection("items");
            for (int i = 0; i < 40; i++) {
                items.insertOne(new Document("i", i));
            }
            // cursors and transactions on both mongos: each new session goes to the next mongos in turn
            List<ClientSession> sessions = new ArrayList<>();
            List<MongoCursor<Document>> cursors = new ArrayList<>();
            List<ClientSession> transactions = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ClientSession session = driver.startSession();
                sessions.add(session);
                MongoCollection<Document> seeded = driver.getDatabase("kill").getCollection("items");
                seeded.insertOne(session, new Document("seed", i)); // the session's mongos holds 1+ documents
                MongoCursor<Document> cursor = seeded.find(session).batchSize(2).iterator();
                cursor.next();
                cursors.add(cursor);
            }
            for (int i = 0; i < 4; i++) {
                ClientSession session = driver.startSession();
                sessions.add(session);
                session.startTransaction();
                items.insertOne(session, new Document("tx", i));
                transactions.add(session);
            }
            FaultClock clock = new FaultClock("load flowing again");
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong operations = new AtomicLong();
            List<CompletableFuture<Void>> load = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (int t = 0; t < 4; t++) {
                load.add(CompletableFuture.runAsync(() -> {
                    while (running.get() && System.nanoTime() < deadline) {
                        try {
                            items.insertOne(new Document("load", operations.incrementAndGet()));
                        } catch (MongoException e) {
                            clock.error(e.getMessage());
                        }
                    }
                }));
            }
            Await.until("the load runs", () -> operations.get() > 200);
            MongosServer dead = mongos.get(0);
            clock.fault();
            dead.close();
            long before = operations.get();
            Await.until("the load goes on", Duration.ofSeconds(30), () -> operations.get() > before + 2_000);
            clock.recovered(); // the proxy's recovery: new work flows again
            int cursorsFailed = 0;
            int cursorsDone = 0;
            for (MongoCursor<Document> cursor : cursors) {
                try {
                    while (cursor.hasNext()) {
                        cursor.next();
                    }
                    cursorsDone++;
                } catch (MongoException e) {
                    cursorsFailed++;
                }
            }
            int committed = 0;
            int aborted = 0;
            for (ClientSession session : transactions) {
                try {
                    session.commitTransaction();
                    committed++;
                } catch (MongoException e) {
                    aborted++;
                }
            }
            running.set(false);
            CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            sessions.forEach(ClientSession::close);
            new FaultReport(
                            "a mongos killed with " + cursors.size() + " cursors (" + cursorsFailed
                                    + " on it failed, " + cursorsDone + " completed) and " + transactions.size()
                                    + " transactions (" + aborted + " on it failed, " + committed
                                    + " committed) open",
                            operations.get(),
                            clock.errors(),
                            clock.window(),
                            0,
                            0,
                            0)
                    .publish();
            assertTrue(cursorsFailed > 0 && cursorsDone > 0, cursorsFailed + " failed, " + cursorsDone + " done");
            assertTrue(committed > 0 && aborted > 0, committed + " committed, " + aborted + " failed");
            assertEquals(0, clock.errorsBeforeFault());
            // new work: at most the operations in flight on the dead mongos when it died, one per driver thread
            assertTrue(
                    clock.errors() <= 8,
                    "errors of new work after the kill: " + clock.errors() + " " + clock.samples());
        } finally {
            mongos.forEach(MongosServer::close);
        }
    }
}
