package io.puerta.plugin.pikiwidb.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.FreePorts;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestCertificates;
import io.puerta.runtime.testing.TestProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Backends that speak TLS only to clients with a certificate (redis-server --tls-port, tls-auth-clients yes), sharded
 * by the pikiwidb ring: the proxy's pipelined and blocking connections and the health checks (a plugin's own
 * connections) all speak TLS with the proxy's certificate; a server whose certificate the proxy does not trust is
 * an error naming it, and is marked down.
 */
class BackendTlsTest {

    @TempDir
    static Path dir;

    private static TestCertificates certificates;
    private static TestCertificates.Issued proxyCertificate;
    private static final RedisServerProcess[] servers = new RedisServerProcess[2];
    private static final int[] tlsPorts = new int[2];

    @BeforeAll
    static void start() {
        certificates = TestCertificates.createCa(dir);
        TestCertificates.Issued server = certificates.issue("server", "localhost");
        proxyCertificate = certificates.issue("proxy", "puerta");
        for (int i = 0; i < servers.length; i++) {
            tlsPorts[i] = FreePorts.next();
            servers[i] = RedisServerProcess.start(
                    "--tls-port", Integer.toString(tlsPorts[i]),
                    "--tls-cert-file", server.cert().toString(),
                    "--tls-key-file", server.key().toString(),
                    "--tls-ca-cert-file", certificates.ca().toString(),
                    "--tls-auth-clients", "yes");
        }
    }

    @AfterAll
    static void stop() {
        for (RedisServerProcess server : servers) {
            if (server != null) {
                server.close();
            }
        }
    }

    private static TestProxy proxy(Path ca) {
        return TestProxy.start(
                "router = pikiwidb-ring\npikiwidb.hash = murmur\n"
                        + "backends = [ { address = \"127.0.0.1:" + tlsPorts[0] + "\" }, { address = \"127.0.0.1:"
                        + tlsPorts[1] + "\" } ]\n"
                        + "backend.tls { enabled = true, ca-file = \"" + ca + "\", cert-file = \""
                        + proxyCertificate.cert() + "\", key-file = \"" + proxyCertificate.key() + "\" }\n"
                        + "health-check { checker = redis-ping, interval = 100ms, timeout = 1s, fall = 1, rise = 1 }",
                null);
    }

    @Test
    void everyConnectionToTheBackendsSpeaksTls() {
        try (TestProxy proxy = proxy(certificates.ca());
                Jedis client = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
            for (int i = 0; i < 30; i++) {
                assertEquals("OK", client.set("key:" + i + ":" + Integer.toHexString(i * 7919), "v" + i));
            }
            for (RedisServerProcess server : servers) {
                try (Jedis direct = new Jedis("127.0.0.1", server.port(), 5_000)) {
                    assertTrue(direct.dbSize() > 0, "keys reached both servers over TLS");
                }
            }
            assertNull(client.blpop(1, "nothing"), "a client's own connection speaks TLS too");
            Await.until("the health checks (a plugin's connections) reach both over TLS", () -> {
                for (int port : tlsPorts) {
                    if (!Boolean.TRUE.equals(proxy.backendUp("127.0.0.1:" + port))) {
                        return false;
                    }
                }
                return true;
            });
        }
    }

    @Test
    void aServerTheProxyDoesNotTrustIsAnErrorNamingItAndIsMarkedDown() throws Exception {
        Path otherDir = Files.createDirectories(dir.resolve("other"));
        TestCertificates otherCa = TestCertificates.createCa(otherDir);
        try (TestProxy proxy = proxy(otherCa.ca());
                Jedis client = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
            List<String> errors = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                try {
                    client.set("k" + i, "v");
                } catch (JedisDataException e) {
                    errors.add(e.getMessage());
                }
            }
            assertEquals(10, errors.size(), "nothing is sent to a server that is not trusted");
            for (String error : errors) {
                assertTrue(
                        error.startsWith("ERR backend 127.0.0.1:") || error.startsWith("ERR server 127.0.0.1:"), error);
            }
            Await.until("the health checks mark both down", () -> {
                for (int port : tlsPorts) {
                    if (!Boolean.FALSE.equals(proxy.backendUp("127.0.0.1:" + port))) {
                        return false;
                    }
                }
                return true;
            });
            assertFalse(errors.isEmpty());
        }
    }
}
