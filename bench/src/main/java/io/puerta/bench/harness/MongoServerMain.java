package io.puerta.bench.harness;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * MongoDB wire servers (mongo-java-server) in a process of their own, as users run their mongos: the harness's
 * MongoDB rows then compare Puerta with the servers and the driver each in their own process. One in-memory store
 * behind every port, as the mongos of one sharded cluster see the same data: a proxy that sends a driver's insert
 * and its find to different mongos (session-id identities route each session on its own) still finds the document.
 *
 * <p>Usage: {@code MongoServerMain <port>...}; runs until killed.
 */
public final class MongoServerMain {

    private MongoServerMain() {}

    public static void main(String[] args) throws InterruptedException {
        MemoryBackend store = new MemoryBackend();
        for (String port : args) {
            new MongoServer(store).bind("127.0.0.1", Integer.parseInt(port));
        }
        Thread.currentThread().join();
    }
}
