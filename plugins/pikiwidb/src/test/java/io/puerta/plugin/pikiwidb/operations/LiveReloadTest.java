package io.puerta.plugin.pikiwidb.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * 100 configuration changes under continuous load, through POST /reload, in pikiwidb-ring mode over real
 * redis-servers: backends added, removed and re-weighted, health-check settings and router settings changed, and
 * settings that need a restart named while the rest applies. The clients' connections never drop and no request
 * gets an error.
 */
class LiveReloadTest {

    private static final int RELOADS = 100;
    private static final int CLIENTS = 4;

    @Test
    void aHundredReloadsUnderLoadDropNoConnectionAndFailNoRequest() throws Exception {
        List<RedisServerProcess> servers =
                List.of(RedisServerProcess.start(), RedisServerProcess.start(), RedisServerProcess.start());
        Path file = Files.createTempFile("puerta-reload", ".conf");
        try {
            Files.writeString(file, config(servers, 0));
            try (TestProxy proxy = TestProxy.startFile(file)) {
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicLong requests = new AtomicLong();
                ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
                List<CompletableFuture<Void>> load = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    load.add(CompletableFuture.runAsync(() -> load(proxy, client, running, requests, errors)));
                }
                Await.until("the load runs", () -> requests.get() > 200);
                HttpClient http = HttpClient.newHttpClient();
                List<String> outcomes = new ArrayList<>();
                for (int i = 1; i <= RELOADS; i++) {
                    Files.writeString(file, config(servers, i));
                    HttpResponse<String> reload = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + "/reload"))
                                    .POST(HttpRequest.BodyPublishers.noBody())
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    outcomes.add(reload.body());
                    String expected = i % 10 == 0 ? "partly-applied" : "applied";
                    assertTrue(
                            reload.body().contains("\"outcome\":\"" + expected + "\""),
                            "reload " + i + ": " + reload.body());
                }
                long before = requests.get();
                Await.until("the load goes on after the last reload", () -> requests.get() > before + 200);
                running.set(false);
                for (CompletableFuture<Void> client : load) {
                    client.get(30, TimeUnit.SECONDS);
                }
                assertEquals(List.of(), List.copyOf(errors), "no request failed, no connection dropped");
                assertTrue(requests.get() > 1000, "load ran throughout: " + requests.get());
                assertTrue(
                        outcomes.get(9).contains("need a restart: puerta.listen.backlog"),
                        "a setting that needs a restart is named: " + outcomes.get(9));
            }
        } finally {
            servers.forEach(RedisServerProcess::close);
            Files.deleteIfExists(file);
        }
    }

    @Test
    void usersChangeWithoutARestartAndLoggedInClientsStay() throws Exception {
        String first = io.puerta.runtime.testing.KnownSecrets.make("first");
        String second = io.puerta.runtime.testing.KnownSecrets.make("second");
        try (RedisServerProcess server = RedisServerProcess.start()) {
            Path file = Files.createTempFile("puerta-users", ".conf");
            try {
                Files.writeString(file, usersConfig(server, first));
                try (TestProxy proxy = TestProxy.startFile(file);
                        Jedis before = new Jedis("127.0.0.1", proxy.port(), 5_000)) {
                    assertEquals("OK", before.auth("app", first));
                    Files.writeString(file, usersConfig(server, second));
                    HttpResponse<String> reload = HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create("http://127.0.0.1:" + proxy.adminPort() + "/reload"))
                                            .POST(HttpRequest.BodyPublishers.noBody())
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                    assertTrue(reload.body().contains("\"outcome\":\"applied\""), reload.body());
                    try (Jedis after = new Jedis("127.0.0.1", proxy.port(), 5_000)) {
                        redis.clients.jedis.exceptions.JedisDataException refused =
                                org.junit.jupiter.api.Assertions.assertThrows(
                                        redis.clients.jedis.exceptions.JedisDataException.class,
                                        () -> after.auth("app", first));
                        assertTrue(refused.getMessage().startsWith("WRONGPASS"), refused.getMessage());
                        assertEquals("OK", after.auth("app", second));
                    }
                    assertEquals("OK", before.set("still", "here"), "a client logged in before stays");
                }
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    private static String usersConfig(RedisServerProcess server, String password) {
        return "puerta {\n listen.port = 0\n plugins.dir = \"/nonexistent-puerta-plugins\"\n admin.port = 0\n"
                + " router = pikiwidb-ring\n reload.check-interval = 0s\n"
                + " backends = [ { address = \"" + server.address() + "\" } ]\n"
                + " auth.users.app.password = \"" + password + "\"\n}\n";
    }

    /**
     * The i-th configuration: the servers in turn two or three (one added, then removed), with changing weights,
     * health-check interval and hash tag; every tenth also changes a setting that needs a restart.
     */
    private static String config(List<RedisServerProcess> servers, int i) {
        StringBuilder backends = new StringBuilder("backends = [\n");
        int count = i % 3 == 1 ? 2 : 3;
        for (int s = 0; s < count; s++) {
            backends.append("  { address = \"")
                    .append(servers.get(s).address())
                    .append("\", weight = ")
                    .append(1 + (i + s) % 3)
                    .append(" }\n");
        }
        backends.append("]\n");
        return "puerta {\n listen.port = 0\n plugins.dir = \"/nonexistent-puerta-plugins\"\n"
                + " listen.backlog = " + (1024 + i / 10) + "\n"
                + " admin.port = 0\n"
                + " router = pikiwidb-ring\n"
                + " pikiwidb { hash = murmur, hash-tag = \"" + (i % 2 == 0 ? "{}" : "") + "\" }\n"
                + " health-check { checker = redis-ping, interval = " + (100 + (i % 4) * 50) + "ms }\n"
                + " reload.check-interval = 0s\n"
                + backends
                + "}\n";
    }

    /** Bounded load on one connection: SET, GET and MGET until told to stop (at most 120 s or 1M requests). */
    private static void load(
            TestProxy proxy,
            int client,
            AtomicBoolean running,
            AtomicLong requests,
            ConcurrentLinkedQueue<String> errors) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (Jedis jedis = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
            for (int i = 0; running.get() && System.nanoTime() < deadline && i < 1_000_000; i++) {
                try {
                    String key = "c" + client + ":k" + (i % 500);
                    jedis.set(key, "v" + i);
                    jedis.get(key);
                    jedis.mget(key, "c" + client + ":k" + ((i + 1) % 500), "c" + client + ":k" + ((i + 2) % 500));
                    requests.addAndGet(3);
                } catch (RuntimeException e) {
                    errors.add("client " + client + ": " + e);
                    if (errors.size() > 20) {
                        return;
                    }
                }
            }
        }
    }
}
