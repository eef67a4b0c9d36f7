package io.puerta.examples.demo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.puerta.runtime.testing.FreePorts;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * The MongoDB demo: three in-process MongoDB wire servers (mongo-java-server, standing in for the mongos of a
 * sharded cluster: MongoDB itself is not in Debian's packages), the Puerta distribution in mongo-affinity mode in
 * front of them, and the official MongoDB Java driver talking through Puerta as it would to one mongos. Two client
 * applications get a mongos each and keep it for every pooled connection.
 *
 * <p>Usage: {@code MongoDemo <puerta-home>}
 */
public final class MongoDemo {

    private MongoDemo() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: MongoDemo <puerta-home>  (e.g. dist/target/puerta-0.1.0-SNAPSHOT)");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path work = Files.createTempDirectory("puerta-mongo-demo");
        List<MongoServer> servers = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        try {
            StringBuilder backends = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                MongoServer server = new MongoServer(new MemoryBackend());
                InetSocketAddress address = server.bind();
                servers.add(server);
                addresses.add(address);
                backends.append("    { address = \"127.0.0.1:")
                        .append(address.getPort())
                        .append("\" }\n");
            }
            System.out.println("backends: 3 MongoDB wire servers (mongo-java-server) on " + addresses);
            int port = FreePorts.next();
            Path config = Files.writeString(
                    work.resolve("puerta.conf"),
                    """
                    puerta {
                      protocol = mongo
                      listen.port = %d
                      router = mongo-affinity
                      client-identifier = fingerprint
                      backends = [
                    %s  ]
                      health-check { checker = mongo-hello, interval = 1s }
                    }
                    """
                            .formatted(port, backends));
            Path log = work.resolve("puerta.log");
            Process puerta = new ProcessBuilder(home.resolve("bin/puerta").toString(), "--config", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                Demo.awaitPort(port, puerta, log);
                System.out.println("proxy   : " + home.resolve("bin/puerta") + " --config " + config + "  (127.0.0.1:"
                        + port + ", router mongo-affinity, client-identifier fingerprint)");
                System.out.println();
                traffic(port, addresses);
            } finally {
                puerta.destroy();
                puerta.waitFor(15, TimeUnit.SECONDS);
                puerta.destroyForcibly();
            }
            System.out.println();
            System.out.println("proxy log:");
            for (String line : Files.readAllLines(log)) {
                System.out.println("  " + line);
            }
        } finally {
            servers.forEach(MongoServer::shutdownNow);
        }
    }

    private static void traffic(int port, List<InetSocketAddress> servers) {
        for (String application : List.of("billing", "reports")) {
            try (MongoClient client = MongoClients.create(MongoClientSettings.builder()
                    .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + port))
                    .applicationName(application)
                    .applyToConnectionPoolSettings(b -> b.minSize(5))
                    .build())) {
                MongoCollection<Document> orders = client.getDatabase("shop").getCollection(application);
                List<Document> docs = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    docs.add(new Document("n", i).append("app", application));
                }
                orders.insertMany(docs);
                int read = 0;
                for (Document ignored : orders.find(Filters.gte("n", 0)).batchSize(7)) {
                    read++; // 15 batches: getMore on whichever pooled connection is free, all to one mongos
                }
                Demo.step(application + ": insert 100, read back in batches of 7", read + " documents");
            }
        }
        for (InetSocketAddress server : servers) {
            try (MongoClient direct =
                    MongoClients.create("mongodb://127.0.0.1:" + server.getPort() + "/?directConnection=true")) {
                List<String> held = new ArrayList<>();
                for (String application : List.of("billing", "reports")) {
                    long count = direct.getDatabase("shop")
                            .getCollection(application)
                            .countDocuments();
                    if (count > 0) {
                        held.add(application + "=" + count);
                    }
                }
                Demo.step("  held by the server on port " + server.getPort(), held.isEmpty() ? "nothing" : held);
            }
        }
    }
}
