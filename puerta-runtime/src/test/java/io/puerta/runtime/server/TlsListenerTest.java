package io.puerta.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.RawClient;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestCertificates;
import io.puerta.runtime.testing.TestProxy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS listener with real TLS clients (redis-cli --tls, and the JDK's TLS for what redis-cli cannot show):
 * beside the plain listener or alone, with client certificates required, and with a certificate replaced on disk
 * while a connection is open.
 */
class TlsListenerTest {

    private static RedisServerProcess redis;
    private static TestCertificates certificates;
    private static TestCertificates.Issued client;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start();
        certificates = TestCertificates.createCa(dir);
        certificates.issue("server", "first");
        client = certificates.issue("client", "an application");
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    private static TestProxy proxy(String tls) {
        return TestProxy.start(
                TestProxy.backends(redis) + "\nlisten.tls { port = 0, cert-file = \"" + dir.resolve("server.pem")
                        + "\", key-file = \"" + dir.resolve("server.key") + "\", reload-check-interval = 100ms, "
                        + tls + " }",
                null);
    }

    @Test
    void theAdminListenerSpeaksHttpsWithTheListenersCertificate() throws Exception {
        try (TestProxy proxy = TestProxy.start(
                TestProxy.backends(redis) + "\nlisten.tls { port = 0, cert-file = \"" + dir.resolve("server.pem")
                        + "\", key-file = \"" + dir.resolve("server.key") + "\" }\nadmin { port = 0, tls = true }",
                null)) {
            java.net.http.HttpClient https = java.net.http.HttpClient.newBuilder()
                    .sslContext(certificates.trustingContext())
                    .build();
            var response = https.send(
                    java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create("https://127.0.0.1:" + proxy.adminPort() + "/health"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("ok\n", response.body());
            java.net.http.HttpClient plain = java.net.http.HttpClient.newHttpClient();
            assertThrows(
                    java.io.IOException.class,
                    () -> plain.send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create("http://127.0.0.1:" + proxy.adminPort() + "/health"))
                                    .timeout(java.time.Duration.ofSeconds(5))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Test
    void checkConfigNamesACertificateThatDoesNotLoad() throws Exception {
        Path broken = dir.resolve("broken.pem");
        java.nio.file.Files.writeString(
                broken, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
        Path conf = dir.resolve("broken.conf");
        java.nio.file.Files.writeString(
                conf,
                "puerta { " + TestProxy.backends(redis)
                        + "\nplugins.dir = \"/nonexistent-puerta-plugins\"\nlisten.port = 0\nlisten.tls { port = 0, cert-file = \""
                        + broken + "\", key-file = \"" + dir.resolve("server.key") + "\" } }");
        Configuration configuration = Configuration.load(
                io.puerta.runtime.config.ConfigLoader.forFile(java.util.Optional.of(conf)), java.util.Optional.empty());
        io.puerta.runtime.config.ConfigProblems problems = assertThrows(
                io.puerta.runtime.config.ConfigProblems.class, () -> PuertaServer.checkPlugins(configuration));
        assertTrue(problems.getMessage().contains("puerta.listen.tls: cannot use " + broken), problems.getMessage());
    }

    @Test
    void tlsClientsAndPlainClientsSideBySide() throws Exception {
        try (TestProxy proxy = proxy("")) {
            assertEquals(
                    "OK",
                    redisCli(proxy.tlsPort(), "--cacert", certificates.ca().toString(), "SET", "k", "v"));
            assertEquals(
                    "v", redisCli(proxy.tlsPort(), "--cacert", certificates.ca().toString(), "GET", "k"));
            try (RawClient plain = new RawClient(proxy.port())) {
                assertEquals("+PONG", plain.send("*1\r\n$4\r\nPING\r\n").readLine());
            }
            assertNotEquals(proxy.port(), proxy.tlsPort());
        }
    }

    @Test
    void onlyTheTlsListenerWhenAsked() throws Exception {
        try (TestProxy proxy = proxy("only = true")) {
            assertEquals(proxy.tlsPort(), proxy.port(), "no plain listener: the address is the TLS one");
            assertEquals(
                    "PONG",
                    redisCli(proxy.tlsPort(), "--cacert", certificates.ca().toString(), "PING"));
        }
    }

    @Test
    void requiredClientCertificatesKeepOutClientsWithout() throws Exception {
        try (TestProxy proxy = proxy("client-auth = require, ca-file = \"" + certificates.ca() + "\"")) {
            String without =
                    redisCli(proxy.tlsPort(), "--cacert", certificates.ca().toString(), "PING");
            assertNotEquals("PONG", without, "refused without a certificate");
            assertEquals(
                    "PONG",
                    redisCli(
                            proxy.tlsPort(),
                            "--cacert",
                            certificates.ca().toString(),
                            "--cert",
                            client.cert().toString(),
                            "--key",
                            client.key().toString(),
                            "PING"));
        }
    }

    @Test
    void aReplacedCertificateIsUsedForNewConnectionsWithoutDroppingOpenOnes() throws Exception {
        Path rotating = Files.createDirectories(dir.resolve("rotating"));
        Files.copy(dir.resolve("server.pem"), rotating.resolve("server.pem"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dir.resolve("server.key"), rotating.resolve("server.key"), StandardCopyOption.REPLACE_EXISTING);
        try (TestProxy proxy = TestProxy.start(
                TestProxy.backends(redis) + "\nlisten.tls { port = 0, cert-file = \"" + rotating.resolve("server.pem")
                        + "\", key-file = \"" + rotating.resolve("server.key")
                        + "\", reload-check-interval = 100ms }",
                null)) {
            try (SSLSocket open = connect(proxy.tlsPort())) {
                assertEquals("first", commonName(open));
                assertEquals("+PONG", ping(open));

                TestCertificates.Issued next = certificates.issue("next", "second");
                // the key first, then the certificate: a reload between the two fails, keeps the old, tries again
                Files.copy(next.key(), rotating.resolve("server.key.tmp"));
                Files.move(
                        rotating.resolve("server.key.tmp"),
                        rotating.resolve("server.key"),
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                Files.copy(next.cert(), rotating.resolve("server.pem.tmp"));
                Files.move(
                        rotating.resolve("server.pem.tmp"),
                        rotating.resolve("server.pem"),
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);

                Await.until("new connections get the new certificate", () -> {
                    try (SSLSocket fresh = connect(proxy.tlsPort())) {
                        return commonName(fresh).equals("second") && ping(fresh).equals("+PONG");
                    } catch (IOException e) {
                        return false;
                    }
                });
                assertEquals("+PONG", ping(open), "the connection opened before is still served");
            }
        }
    }

    @Test
    void filesThatAreNotACertificateAndKeyStopTheStartWithTheirNames() throws Exception {
        Path bogus = Files.writeString(dir.resolve("bogus.pem"), "not a certificate\n");
        RuntimeException error = assertThrows(
                RuntimeException.class,
                () -> TestProxy.start(
                        TestProxy.backends(redis) + "\nlisten.tls { port = 0, cert-file = \"" + bogus
                                + "\", key-file = \"" + bogus + "\" }",
                        null));
        assertTrue(error.getMessage().contains("puerta.listen.tls: cannot use " + bogus), error.getMessage());
        RuntimeException missing =
                assertThrows(RuntimeException.class, () -> TestProxy.start("listen.tls { port = 0 }", null));
        assertTrue(missing.getMessage().contains("puerta.listen.tls.cert-file: required"), missing.getMessage());
    }

    private SSLSocket connect(int port) throws IOException {
        SSLSocket socket =
                (SSLSocket) certificates.trustingContext().getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        socket.startHandshake();
        return socket;
    }

    private static String commonName(SSLSocket socket) throws IOException {
        X509Certificate peer = (X509Certificate) socket.getSession().getPeerCertificates()[0];
        return peer.getSubjectX500Principal().getName().replaceFirst("^CN=", "");
    }

    private static String ping(SSLSocket socket) throws IOException {
        socket.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    /** Runs redis-cli --tls against {@code port}: its output, trimmed. */
    private static String redisCli(int port, String... args) throws Exception {
        List<String> command =
                new ArrayList<>(List.of("redis-cli", "--tls", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "redis-cli finished");
        return output;
    }
}
