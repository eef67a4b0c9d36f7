package io.puerta.plugin.pikiwidb.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.plugin.pikiwidb.hash.KeyHash;
import io.puerta.plugin.pikiwidb.ring.Distribution;
import io.puerta.plugin.pikiwidb.ring.KeyRing;
import io.puerta.plugin.pikiwidb.ring.RingServer;
import io.puerta.plugin.pikiwidb.testing.NutcrackerProcess;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * Real nutcracker and Puerta side by side over the same three real servers: for every hash and distribution, each
 * of some two thousand keys (ASCII, UTF-8, hash-tagged, empty) must land on the same server through either proxy,
 * and what one proxy wrote must be readable through the other.
 */
class TwemproxyCompatibilityTest {

    private static final RedisServerProcess[] SERVERS = new RedisServerProcess[3];
    private static final List<byte[]> KEYS = keys();

    @BeforeAll
    static void start() {
        for (int i = 0; i < SERVERS.length; i++) {
            SERVERS[i] = RedisServerProcess.start();
        }
    }

    @AfterAll
    static void stop() {
        for (RedisServerProcess server : SERVERS) {
            if (server != null) {
                server.close();
            }
        }
    }

    /** One pool: distribution, hash, weights, optional server names and hash tag. */
    record Pool(String distribution, String hash, int[] weights, String[] names, String hashTag) {
        @Override
        public String toString() {
            return distribution + "/" + hash + (names == null ? "" : "/named")
                    + (hashTag.isEmpty() ? "" : "/tag " + hashTag);
        }
    }

    static Stream<Arguments> pools() {
        List<Arguments> pools = new ArrayList<>();
        for (KeyHash hash : KeyHash.values()) {
            pools.add(Arguments.of(new Pool("ketama", hash.configName(), new int[] {1, 2, 3}, null, "")));
            pools.add(Arguments.of(new Pool("modula", hash.configName(), new int[] {1, 2, 1}, null, "")));
        }
        String[] names = {"alpha", "beta", "gamma"};
        pools.add(Arguments.of(new Pool("ketama", "fnv1a_64", new int[] {1, 1, 1}, names, "{}")));
        pools.add(Arguments.of(new Pool("ketama", "murmur", new int[] {5, 1, 1}, null, "{}")));
        pools.add(Arguments.of(new Pool("modula", "crc32a", new int[] {1, 1, 2}, names, "::")));
        return pools.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pools")
    void everyKeyLandsOnTheSameServerAsUnderNutcracker(Pool pool) {
        try (NutcrackerProcess nutcracker = NutcrackerProcess.start(yaml(pool));
                TestProxy puerta = TestProxy.start(hocon(pool), null)) {
            flushServers();
            write(nutcracker.port(), "via-nutcracker");
            Map<String, Integer> underNutcracker = locations();

            flushServers();
            write(puerta.port(), "via-puerta");
            Map<String, Integer> underPuerta = locations();

            assertEquals(KEYS.size(), underNutcracker.size(), "every key written once through nutcracker");
            KeyRing ring = ring(pool);
            List<String> moved = new ArrayList<>();
            for (Map.Entry<String, Integer> entry : underNutcracker.entrySet()) {
                if (!entry.getValue().equals(underPuerta.get(entry.getKey()))) {
                    moved.add(printable(entry.getKey()) + " nutcracker=" + entry.getValue() + " puerta="
                            + underPuerta.get(entry.getKey()) + " ring="
                            + ring.serverFor(entry.getKey().getBytes(StandardCharsets.ISO_8859_1)));
                }
            }
            assertTrue(
                    moved.isEmpty(),
                    pool + ": " + moved.size() + " keys land elsewhere, e.g. "
                            + moved.subList(0, Math.min(5, moved.size())));
            // Guards against a vacuous pass (everything on one server through both proxies). twemproxy's crc32 is
            // libmemcached's 15-bit variant: on a ketama continuum of 32-bit points every key really does land on
            // one server, under nutcracker as here.
            boolean oneServerExpected =
                    pool.hash().equals("crc32") && pool.distribution().equals("ketama");
            assertEquals(
                    !oneServerExpected,
                    underNutcracker.values().stream().distinct().count() > 1,
                    "keys spread over the servers");

            flushServers();
            write(nutcracker.port(), "via-nutcracker");
            assertEquals(KEYS.size(), readable(puerta.port(), "via-nutcracker"), "Puerta reads what nutcracker wrote");
        }
    }

    /** The ring as the plugin computes it, without any proxy. */
    private static KeyRing ring(Pool pool) {
        List<RingServer> servers = new ArrayList<>();
        for (int i = 0; i < SERVERS.length; i++) {
            String name = pool.names() == null ? SERVERS[i].address() : pool.names()[i];
            servers.add(new RingServer(name, pool.weights()[i], i));
        }
        Distribution.Kind kind = Distribution.Kind.valueOf(pool.distribution().toUpperCase(java.util.Locale.ROOT));
        return new KeyRing(
                KeyHash.fromConfigName(pool.hash()).orElseThrow(), kind.build(servers), pool.hashTag(), 3, 0);
    }

    private static String yaml(Pool pool) {
        StringBuilder yaml = new StringBuilder()
                .append("  hash: ")
                .append(pool.hash())
                .append('\n')
                .append("  distribution: ")
                .append(pool.distribution())
                .append('\n');
        if (!pool.hashTag().isEmpty()) {
            yaml.append("  hash_tag: \"").append(pool.hashTag()).append("\"\n");
        }
        yaml.append("  servers:\n");
        for (int i = 0; i < SERVERS.length; i++) {
            yaml.append("   - ").append(SERVERS[i].address()).append(':').append(pool.weights()[i]);
            if (pool.names() != null) {
                yaml.append(' ').append(pool.names()[i]);
            }
            yaml.append('\n');
        }
        return yaml.toString();
    }

    private static String hocon(Pool pool) {
        StringBuilder hocon = new StringBuilder("router = pikiwidb-ring\nbackends = [\n");
        for (int i = 0; i < SERVERS.length; i++) {
            hocon.append("  { address = \"")
                    .append(SERVERS[i].address())
                    .append("\", weight = ")
                    .append(pool.weights()[i]);
            if (pool.names() != null) {
                hocon.append(", name = \"").append(pool.names()[i]).append('"');
            }
            hocon.append(" }\n");
        }
        return hocon.append("]\npikiwidb { distribution = ")
                .append(pool.distribution())
                .append(", hash = ")
                .append(pool.hash())
                .append(", hash-tag = \"")
                .append(pool.hashTag())
                .append("\" }")
                .toString();
    }

    private static List<byte[]> keys() {
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            keys.add(("key:" + i).getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < 200; i++) {
            keys.add(("clé-ñandú-" + i + "-ключ").getBytes(StandardCharsets.UTF_8)); // bytes >= 0x80
        }
        for (int i = 0; i < 200; i++) {
            keys.add(("{user" + (i % 25) + "}:field" + i).getBytes(StandardCharsets.UTF_8));
            keys.add(("session::" + (i % 7) + "::" + i).getBytes(StandardCharsets.UTF_8));
        }
        keys.add(new byte[0]);
        keys.add("{}".getBytes(StandardCharsets.UTF_8));
        keys.add("{unclosed".getBytes(StandardCharsets.UTF_8));
        return keys;
    }

    private static Jedis client(int port) {
        // nutcracker does not know CLIENT SETINFO, which Jedis would otherwise send on connect
        return new Jedis(
                new HostAndPort("127.0.0.1", port),
                DefaultJedisClientConfig.builder()
                        .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                        .socketTimeoutMillis(10_000)
                        .build());
    }

    private static void write(int port, String value) {
        try (Jedis client = client(port)) {
            Pipeline pipeline = client.pipelined();
            List<Response<String>> replies = new ArrayList<>();
            for (byte[] key : KEYS) {
                replies.add(pipeline.set(key, value.getBytes(StandardCharsets.UTF_8)));
            }
            pipeline.sync();
            for (Response<String> reply : replies) {
                assertEquals("OK", reply.get());
            }
        }
    }

    private static int readable(int port, String value) {
        try (Jedis client = client(port)) {
            Pipeline pipeline = client.pipelined();
            List<Response<byte[]>> replies = new ArrayList<>();
            for (byte[] key : KEYS) {
                replies.add(pipeline.get(key));
            }
            pipeline.sync();
            int found = 0;
            for (Response<byte[]> reply : replies) {
                if (reply.get() != null && value.equals(new String(reply.get(), StandardCharsets.UTF_8))) {
                    found++;
                }
            }
            return found;
        }
    }

    /** Which server holds each key, read directly from the servers. */
    private static Map<String, Integer> locations() {
        Map<String, Integer> where = new HashMap<>();
        for (int i = 0; i < SERVERS.length; i++) {
            try (Jedis direct = new Jedis("127.0.0.1", SERVERS[i].port())) {
                for (byte[] key : direct.keys("*".getBytes(StandardCharsets.UTF_8))) {
                    Integer previous = where.put(new String(key, StandardCharsets.ISO_8859_1), i);
                    assertEquals(null, previous, "a key on two servers");
                }
            }
        }
        return where;
    }

    private static void flushServers() {
        for (RedisServerProcess server : SERVERS) {
            try (Jedis direct = new Jedis("127.0.0.1", server.port())) {
                direct.flushAll();
            }
        }
    }

    private static String printable(String latin1Key) {
        return new String(latin1Key.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
