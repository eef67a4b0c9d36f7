package io.puerta.bench.harness;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;

/** N threads of the MongoDB Java driver, each inserting a document and finding it by _id, for a fixed time. */
final class MongoWorkload {

    private MongoWorkload() {}

    /** Operations (an insert or a find) done, and per second. */
    record Result(long operations, double perSecond) {}

    /** Runs the workload against {@code port} for {@code millis}. */
    static Result run(int port, int threads, long millis) throws Exception {
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + port + "/?maxPoolSize=" + threads)) {
            MongoCollection<Document> items = client.getDatabase("bench").getCollection("items");
            // each run starts from an empty collection: documents kept from run to run filled the servers' heap
            // until their full GCs, not the hop, set the pace (26 full GCs, 17 s, over one earlier harness run)
            items.drop();
            items.insertOne(new Document("warm", true));
            AtomicLong operations = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            List<Future<?>> work = new ArrayList<>();
            AtomicLong ids = new AtomicLong(System.nanoTime());
            for (int t = 0; t < threads; t++) {
                work.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        long id = ids.incrementAndGet();
                        items.insertOne(new Document("_id", id).append("payload", "x".repeat(64)));
                        if (items.find(Filters.eq("_id", id)).first() == null) {
                            throw new IllegalStateException("document " + id + " not found");
                        }
                        operations.addAndGet(2);
                    }
                    return null;
                }));
            }
            for (Future<?> future : work) {
                future.get();
            }
            pool.shutdown();
            return new Result(operations.get(), operations.get() * 1000.0 / millis);
        }
    }
}
