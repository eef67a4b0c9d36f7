package io.puerta.plugin.mongo.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import io.puerta.plugin.mongo.affinity.testing.MongosServer;
import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.TestCertificates;
import io.puerta.runtime.testing.TestProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * mongos that speak TLS only: the proxy reaches them over TLS on every kind of connection (its own multiplexed
 * ones per message, each client's spliced one, the health checks' hello), checking their certificate against the
 * configured CA; and the driver reaches the proxy over TLS too (TLS termination at the proxy).
 */
class MongoBackendTlsTest {

    private static Path dir;
    private static List<MongosServer> mongos;
    private static TestCertificates certificates;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("puerta-mongo-tls");
        certificates = TestCertificates.createCa(dir);
        TestCertificates.Issued server = certificates.issue("mongos", "localhost");
        mongos = List.of(
                MongosServer.startTls("puerta", "s3cr3t", server.cert(), server.key()),
                MongosServer.startTls("puerta", "s3cr3t", server.cert(), server.key()));
    }

    @AfterAll
    static void stop() throws Exception {
        mongos.forEach(MongosServer::close);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    @org.junit.jupiter.api.Test
    void theDriverReachesTheProxyOverTlsToo() {
        TestCertificates.Issued proxyCert = certificates.issue("proxy", "localhost");
        try (TestProxy proxy = MongoAffinityProxyTest.proxy(
                        "session-id",
                        mongos,
                        "mongo { username = puerta, password = s3cr3t }\n"
                                + "backend.tls { enabled = true, ca-file = \"" + certificates.ca() + "\" }\n"
                                + "listen.tls { port = 0, only = true, cert-file = \"" + proxyCert.cert()
                                + "\", key-file = \"" + proxyCert.key() + "\" }\n");
                MongoClient client = com.mongodb.client.MongoClients.create(com.mongodb.MongoClientSettings.builder()
                        .applyConnectionString(
                                new com.mongodb.ConnectionString("mongodb://127.0.0.1:" + proxy.tlsPort()))
                        .applyToSslSettings(b -> b.enabled(true).context(certificates.trustingContext()))
                        .applyToClusterSettings(b -> b.serverSelectionTimeout(5, java.util.concurrent.TimeUnit.SECONDS))
                        .build())) {
            MongoCollection<Document> items = client.getDatabase("tls_both").getCollection("items");
            items.insertOne(new Document("encrypted", "both ways"));
            assertEquals(1, items.countDocuments());
        }
    }

    /** Per message the proxy logs in to the mongos; spliced, the client's own login passes through to them. */
    private static MongoClient client(TestProxy proxy, String strategy) {
        String login = strategy.equals("session-id") ? "" : "puerta:s3cr3t@";
        return com.mongodb.client.MongoClients.create(
                "mongodb://" + login + "127.0.0.1:" + proxy.port() + "/?serverSelectionTimeoutMS=5000&maxPoolSize=4"
                        + (login.isEmpty() ? "" : "&authMechanism=SCRAM-SHA-256"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"session-id", "socket-addr"})
    void everyConnectionToTheMongosSpeaksTls(String strategy) {
        try (TestProxy proxy = MongoAffinityProxyTest.proxy(
                        strategy,
                        mongos,
                        "mongo { username = puerta, password = s3cr3t }\n"
                                + "backend.tls { enabled = true, ca-file = \"" + certificates.ca() + "\" }\n");
                MongoClient client = client(proxy, strategy)) {
            Await.until("the health checks reach both mongos over TLS", () -> mongos.stream()
                    .allMatch(m -> Boolean.TRUE.equals(proxy.backendUp(m.address()))));
            MongoCollection<Document> items =
                    client.getDatabase("tls_" + strategy.replace('-', '_')).getCollection("items");
            for (int i = 0; i < 10; i++) {
                items.insertOne(new Document("i", i));
            }
            assertEquals(10, items.countDocuments());
            assertTrue(items.find(new Document("i", 7)).first() != null);
        }
    }
}
