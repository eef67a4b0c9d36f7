package io.puerta.runtime.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.KnownSecrets;
import io.puerta.runtime.testing.LogCapture;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The admin listener against a Puerta in front of a real redis-server, started from a file: liveness, readiness,
 * Prometheus metrics read by the Prometheus client library's own parser, the status document, the effective
 * configuration with every secret redacted, reloads (applied, rejected, audited), the bearer token, and the slow
 * log through the proxy.
 */
class AdminListenerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = KnownSecrets.make("admin-token");
    private static final String BACKEND_SECRET = KnownSecrets.make("backend");

    private static RedisServerProcess redis;
    private static Path file;
    private static TestProxy proxy;
    private static LogCapture logs;
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        logs = LogCapture.start();
        redis = RedisServerProcess.start("--requirepass", BACKEND_SECRET, "--enable-debug-command", "yes");
        file = Files.createTempFile("puerta-admin", ".conf");
        Files.writeString(file, config("10ms"));
        proxy = TestProxy.startFile(file);
    }

    private static String config(String slowlogThreshold) {
        return "puerta {\n listen.port = 0\n plugins.dir = \"/nonexistent-puerta-plugins\"\n"
                + " backends = [ { address = \"" + redis.address() + "\" } ]\n"
                + " backend.auth.password = \"" + BACKEND_SECRET + "\"\n"
                + " admin { port = 0, token = \"" + TOKEN + "\" }\n"
                + " health-check { checker = tcp-connect, interval = 100ms, timeout = 500ms, rise = 1, fall = 1 }\n"
                + " slowlog.threshold = " + slowlogThreshold + "\n"
                + " reload.check-interval = 0s\n"
                + "}\n";
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            assertTrue(logs.lines().stream().noneMatch(l -> l.contains(TOKEN) || l.contains(BACKEND_SECRET)));
        } finally {
            logs.close();
            proxy.close();
            redis.close();
            Files.deleteIfExists(file);
        }
    }

    private static HttpResponse<String> get(String path, boolean withToken) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + path))
                .timeout(Duration.ofSeconds(10));
        if (withToken) {
            request.header("Authorization", "Bearer " + TOKEN);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + path))
                        .header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static boolean quietly(java.util.concurrent.Callable<Boolean> condition) {
        try {
            return condition.call();
        } catch (Exception e) {
            return false;
        }
    }

    private static JsonNode status() throws Exception {
        HttpResponse<String> response = get("/status", true);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    @Test
    void healthAndReadinessAreOpenTheRestNeedsTheToken() throws Exception {
        assertEquals(200, get("/health", false).statusCode());
        Await.until(
                "ready once the backend is checked",
                () -> quietly(() -> get("/ready", false).statusCode() == 200));
        assertEquals(
                true, JSON.readTree(get("/ready", false).body()).get("ready").asBoolean());
        for (String path : List.of("/metrics", "/status", "/config")) {
            HttpResponse<String> refused = get(path, false);
            assertEquals(401, refused.statusCode(), path);
            assertEquals(
                    "Bearer realm=\"puerta\"",
                    refused.headers().firstValue("WWW-Authenticate").orElse(""));
        }
        assertEquals(200, get("/", false).statusCode(), "the page holds no data");
        assertEquals(404, get("/nope", true).statusCode());
        assertEquals(405, post("/status").statusCode());
    }

    @Test
    void metricsAreReadByThePrometheusParserAndMoveWithTraffic() throws Exception {
        double before = metric("puerta_requests_total");
        try (Jedis client = new Jedis("127.0.0.1", proxy.port(), 5_000)) {
            for (int i = 0; i < 50; i++) {
                client.set("k" + i, "v");
            }
            assertTrue(metric("puerta_clients_connected") >= 1, "a gauge: this client is connected");
        }
        double after = metric("puerta_requests_total");
        assertTrue(after >= before + 50, before + " -> " + after);
        assertTrue(metric("jvm_memory_used_bytes") > 0, "JVM metrics are there too");
        assertTrue(metric("puerta_latency_micros_count") > 0, "the latency histogram is sampled");
        assertTrue(metric("puerta_backend_requests_total") >= 50, "requests per backend, labelled");
        assertEquals(1.0, metric("puerta_backend_up"));
        assertTrue(metric("puerta_client_bytes_in_total") > 50 * 20, "bytes from clients");
        assertTrue(metric("puerta_client_bytes_out_total") >= 50 * 5, "bytes to clients");
        assertTrue(metric("puerta_backend_connects_total") >= 1, "connections to backends");
        assertTrue(metric("puerta_routing_batch_size_count") > 0, "routing batches");
        assertTrue(metric("puerta_command_latency_micros") > 0, "SET is timed by name");
        assertTrue(metric("puerta_backend_latency_micros") > 0, "the backend's latency is sampled");
    }

    /**
     * Scrapes /metrics and sums the samples named {@code name} as parsed by the Prometheus client library's own
     * text parser (python3-prometheus-client from Debian): a format error fails the test.
     */
    private static double metric(String name) throws Exception {
        HttpResponse<String> response = get("/metrics", true);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        Files.writeString(Path.of("target", "metrics-sample.txt"), response.body()); // for a reader of the build
        Process parser = new ProcessBuilder(
                        "/usr/bin/python3",
                        "-c",
                        "import sys\n"
                                + "from prometheus_client.parser import text_string_to_metric_families\n"
                                + "total = 0.0\n"
                                + "for family in text_string_to_metric_families(sys.stdin.read()):\n"
                                + "    for sample in family.samples:\n"
                                + "        if sample.name == sys.argv[1]:\n"
                                + "            total += sample.value\n"
                                + "print(total)\n",
                        name)
                .redirectErrorStream(true)
                .start();
        parser.getOutputStream().write(response.body().getBytes(StandardCharsets.UTF_8));
        parser.getOutputStream().close();
        String output = new String(parser.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(parser.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, parser.exitValue(), output);
        return Double.parseDouble(output);
    }

    @Test
    void statusDescribesTheProxyAndItsBackends() throws Exception {
        Await.until(
                "the backend is checked",
                () -> quietly(() -> status().get("backends").get(0).has("lastCheck")));
        JsonNode status = status();
        assertEquals("single-backend", status.get("router").asText());
        assertEquals(file.toString(), status.get("config").get("file").asText());
        JsonNode backend = status.get("backends").get(0);
        assertEquals(redis.address(), backend.get("address").asText());
        assertEquals("UP", backend.get("health").asText());
        assertTrue(backend.get("lastCheck").get("healthy").asBoolean());
        assertTrue(status.get("ring").get("capacity").asInt() > 0);
        assertTrue(status.get("listener").has("clientsBySource"));
    }

    @Test
    void theConfigurationIsShownWithEverySecretRedacted() throws Exception {
        HttpResponse<String> response = get("/config", true);
        assertEquals(200, response.statusCode());
        assertFalse(response.body().contains(BACKEND_SECRET));
        assertFalse(response.body().contains(TOKEN));
        JsonNode config = JSON.readTree(response.body());
        assertEquals(
                "<redacted>", config.get("backend").get("auth").get("password").asText());
        assertEquals("<redacted>", config.get("admin").get("token").asText());
        assertEquals(
                redis.address(), config.get("backends").get(0).get("address").asText());
    }

    @Test
    void aReloadIsAppliedOrRejectedShownAndAudited() throws Exception {
        Files.writeString(file, config("10ms").replace("listen.port = 0", "listen.port = 0\n nonsense.here = 1"));
        HttpResponse<String> rejected = post("/reload");
        assertEquals(422, rejected.statusCode(), rejected.body());
        JsonNode outcome = JSON.readTree(rejected.body());
        assertEquals("rejected", outcome.get("outcome").asText());
        assertTrue(outcome.get("problems").toString().contains("puerta.nonsense"), outcome.toString());
        assertEquals(
                "rejected",
                status().get("config").get("lastReload").get("outcome").asText());

        Files.writeString(file, config("10ms"));
        HttpResponse<String> valid = post("/reload");
        assertEquals("applied", JSON.readTree(valid.body()).get("outcome").asText(), valid.body());
        // the slow log's threshold is read at the start only: valid, named, not applied
        Files.writeString(file, config("20ms"));
        HttpResponse<String> restart = post("/reload");
        assertEquals(422, restart.statusCode(), restart.body());
        JsonNode notApplied = JSON.readTree(restart.body());
        assertEquals("not-applied", notApplied.get("outcome").asText());
        assertTrue(notApplied.get("problems").toString().contains("need a restart: puerta.slowlog.threshold"));
        Files.writeString(file, config("10ms"));
        assertEquals(200, post("/reload").statusCode());
        assertTrue(logs.lines().stream()
                .anyMatch(l -> l.contains("\"event\":\"admin-action\"")
                        && l.contains("\"action\":\"reload\"")
                        && l.contains("\"source\":\"127.0.0.1\"")));
    }

    @Test
    void theSlowLogIsReadThroughTheProxy() throws Exception {
        try (Jedis client = new Jedis("127.0.0.1", proxy.port(), 5_000)) {
            client.slowlogReset();
            // DEBUG SLEEP on the server makes a request slower than the 10 ms threshold
            client.set("slow", "1");
            Object slept = client.sendCommand(() -> "DEBUG".getBytes(), "SLEEP", "0.05");
            assertTrue(client.slowlogLen() >= 1, "slept: " + slept);
            var entries = client.slowlogGet(5);
            assertEquals("DEBUG", entries.get(0).getArgs().get(0));
            assertEquals("... (2 more arguments)", entries.get(0).getArgs().get(1));
            assertTrue(entries.get(0).getExecutionTime() >= 50_000);
            assertEquals("OK", client.slowlogReset());
            assertEquals(0, client.slowlogLen());
        }
        assertTrue(status().has("slowlog"));
        assertTrue(status().get("latency").get("p99Millis").isNumber());
    }
}
