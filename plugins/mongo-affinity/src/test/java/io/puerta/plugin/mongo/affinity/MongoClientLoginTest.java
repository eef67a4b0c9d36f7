package io.puerta.plugin.mongo.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.puerta.plugin.mongo.affinity.testing.MongosServer;
import io.puerta.runtime.access.PasswordHash;
import io.puerta.runtime.testing.KnownSecrets;
import io.puerta.runtime.testing.LogCapture;
import io.puerta.runtime.testing.TestProxy;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MongoDB Java driver logs in to Puerta itself in the per-message mode, with SCRAM-SHA-256, as a user of
 * {@code puerta.auth.users}, while the proxy logs in to the mongos as its own user: right and wrong passwords, no
 * credentials, the SCRAM-SHA-1 a driver could insist on, and no password in any log line.
 */
class MongoClientLoginTest {

    private static final String APP_SECRET = KnownSecrets.make("app");
    private static final String WRONG_SECRET = KnownSecrets.make("wrong");
    private static final String MONGOS_SECRET = KnownSecrets.make("mongos");

    private static List<MongosServer> mongos;
    private static TestProxy proxy;
    private static LogCapture logs;

    @BeforeAll
    static void start() {
        logs = LogCapture.start();
        mongos = List.of(MongosServer.start("puerta", MONGOS_SECRET), MongosServer.start("puerta", MONGOS_SECRET));
        proxy = MongoAffinityProxyTest.proxy(
                "session-id",
                mongos,
                "mongo { username = puerta, password = \"" + MONGOS_SECRET + "\" }\n" + "auth.users.app.password = \""
                        + PasswordHash.of(APP_SECRET, 4096).encoded() + "\"\n");
    }

    @AfterAll
    static void stop() {
        try {
            List<String> leaked = logs.lines().stream()
                    .filter(l -> l.contains(APP_SECRET) || l.contains(WRONG_SECRET) || l.contains(MONGOS_SECRET))
                    .toList();
            assertEquals(List.of(), leaked, "no password in any log line");
        } finally {
            logs.close();
            proxy.close();
            mongos.forEach(MongosServer::close);
        }
    }

    private static MongoClient client(MongoCredential credential) {
        MongoClientSettings.Builder settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + proxy.port()))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(3, TimeUnit.SECONDS))
                .applyToSocketSettings(
                        b -> b.connectTimeout(2, TimeUnit.SECONDS).readTimeout(10, TimeUnit.SECONDS));
        if (credential != null) {
            settings.credential(credential);
        }
        return MongoClients.create(settings.build());
    }

    @Test
    void theDriverLogsInWithScramSha256AndWorks() {
        // no mechanism named: the driver asks which the user has (saslSupportedMechs) and picks SCRAM-SHA-256
        try (MongoClient client = client(MongoCredential.createCredential("app", "admin", APP_SECRET.toCharArray()))) {
            MongoCollection<Document> items = client.getDatabase("shop").getCollection("items");
            for (int i = 0; i < 20; i++) {
                items.insertOne(new Document("i", i));
            }
            assertEquals(20, items.countDocuments());
            assertTrue(
                    mongos.stream()
                                    .mapToInt(MongosServer::authenticatedConnections)
                                    .sum()
                            > 0,
                    "the proxy logged in to the mongos as its own user");
        }
        assertTrue(logs.lines().stream()
                .anyMatch(l -> l.contains("\"event\":\"auth-succeeded\"")
                        && l.contains("\"protocol\":\"mongo\"")
                        && l.contains("\"user\":\"app\"")));
    }

    @Test
    void aWrongPasswordFailsTheLoginAndIsAudited() {
        try (MongoClient client =
                client(MongoCredential.createScramSha256Credential("app", "admin", WRONG_SECRET.toCharArray()))) {
            MongoException refused = assertThrows(
                    MongoException.class,
                    () -> client.getDatabase("shop").getCollection("items").countDocuments());
            assertTrue(
                    refused instanceof MongoSecurityException || refused.getCause() instanceof MongoSecurityException,
                    String.valueOf(refused));
            assertTrue(!String.valueOf(refused).contains(WRONG_SECRET));
        }
        assertTrue(logs.lines().stream()
                .anyMatch(l -> l.contains("\"event\":\"auth-failed\"")
                        && l.contains("\"user\":\"app\"")
                        && l.contains("\"reason\":\"wrong password\"")));
    }

    @Test
    void withoutALoginCommandsAreUnauthorized() {
        try (MongoClient client = client(null)) {
            MongoCommandException refused = assertThrows(
                    MongoCommandException.class,
                    () -> client.getDatabase("shop").getCollection("items").insertOne(new Document("x", 1)));
            assertEquals(13, refused.getErrorCode());
            assertEquals("Unauthorized", refused.getErrorCodeName());
        }
    }

    @Test
    void scramSha1IsRefusedWithTheMechanismNamed() {
        try (MongoClient client =
                client(MongoCredential.createScramSha1Credential("app", "admin", APP_SECRET.toCharArray()))) {
            MongoException refused = assertThrows(
                    MongoException.class,
                    () -> client.getDatabase("shop").getCollection("items").countDocuments());
            assertTrue(
                    String.valueOf(refused).contains("Authentication failed")
                            || String.valueOf(refused.getCause()).contains("Authentication failed"),
                    String.valueOf(refused));
        }
    }
}
