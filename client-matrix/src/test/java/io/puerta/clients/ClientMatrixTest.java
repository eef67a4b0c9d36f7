package io.puerta.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.RedisProtocol;

/**
 * Every client library, the same scenario (strings, hashes, sorted sets with scores, pipelining, MULTI/EXEC,
 * pub/sub, blocking pops, scripts and functions, SCAN over every server), through bin/puerta in redis-cluster mode
 * (a 3-master cluster) and in pikiwidb-ring mode (three standalone servers).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientMatrixTest {

    private Backends backends;
    private final Map<String, Integer> puerta = new java.util.HashMap<>();
    private Path work;
    private Path scripts;

    @BeforeAll
    void start() throws Exception {
        Path dist = Path.of(System.getProperty("puerta.dist"));
        assertTrue(Files.isExecutable(dist.resolve("bin/puerta")), "the distribution is built: " + dist);
        scripts = Path.of(System.getProperty("puerta.scripts"));
        work = Files.createDirectories(Path.of(System.getProperty("puerta.work")));
        backends = new Backends(work);
        backends.startCluster(3);
        backends.startStandalone(3);
        StringBuilder cluster = new StringBuilder("router = redis-cluster\n backends = [\n");
        backends.clusterPorts.forEach(port -> cluster.append("{ address = \"127.0.0.1:").append(port).append("\" }\n"));
        puerta.put("redis-cluster", backends.startPuerta(dist, "redis-cluster", cluster + "]"));
        StringBuilder ring = new StringBuilder("router = pikiwidb-ring\n pikiwidb.hash-tag = \"{}\"\n backends = [\n");
        backends.standalonePorts.forEach(port -> ring.append("{ address = \"127.0.0.1:").append(port).append("\" }\n"));
        puerta.put("pikiwidb-ring", backends.startPuerta(dist, "pikiwidb-ring", ring + "]"));
        installNodeClients();
    }

    @AfterAll
    void stop() {
        if (backends != null) {
            backends.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis-cluster", "pikiwidb-ring"})
    void jedisRespTwo(String mode) throws Exception {
        JavaClients.jedis(puerta.get(mode), RedisProtocol.RESP2, "jedis2-" + mode);
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis-cluster", "pikiwidb-ring"})
    void jedisRespThree(String mode) throws Exception {
        JavaClients.jedis(puerta.get(mode), RedisProtocol.RESP3, "jedis3-" + mode);
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis-cluster", "pikiwidb-ring"})
    void lettuceRespThree(String mode) throws Exception {
        JavaClients.lettuce(puerta.get(mode), "lettuce-" + mode);
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis-cluster", "pikiwidb-ring"})
    void ioredisRespTwoAndThree(String mode) throws Exception {
        run(List.of("node", "scenario.js", "ioredis", port(mode), "io-" + mode), work.resolve("node"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis-cluster", "pikiwidb-ring"})
    void nodeRedisRespTwoAndThree(String mode) throws Exception {
        run(List.of("node", "scenario.js", "node-redis", port(mode), "nr-" + mode), work.resolve("node"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis-cluster", "pikiwidb-ring"})
    void redisPy(String mode) throws Exception {
        run(List.of("/usr/bin/python3", scripts.resolve("python/scenario.py").toString(), port(mode), "py-" + mode),
                work);
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis-cluster", "pikiwidb-ring"})
    void redisCliRespThree(String mode) throws Exception {
        run(List.of("bash", scripts.resolve("redis-cli-scenario.sh").toString(), port(mode), "cli-" + mode), work);
    }

    private String port(String mode) {
        return Integer.toString(puerta.get(mode));
    }

    /** ioredis and node-redis from the npm registry, into the matrix's work directory (once), beside the scenario. */
    private void installNodeClients() throws Exception {
        Path node = Files.createDirectories(work.resolve("node"));
        Files.copy(
                scripts.resolve("node/scenario.js"),
                node.resolve("scenario.js"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        if (Files.isDirectory(node.resolve("node_modules/ioredis")) && Files.isDirectory(node.resolve("node_modules/redis"))) {
            return;
        }
        Files.copy(
                scripts.resolve("node/package.json"),
                node.resolve("package.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        run(List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), node);
    }

    /** Runs a client's scenario; its output is shown when it fails. */
    private static void run(List<String> command, Path directory) throws Exception {
        Process process = new ProcessBuilder(new ArrayList<>(command))
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .start();
        byte[] output = process.getInputStream().readAllBytes();
        boolean ended = process.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        String text = new String(output);
        System.out.println("[" + String.join(" ", command) + "]\n" + text);
        assertTrue(ended, "ended in time: " + command);
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + text);
    }
}
