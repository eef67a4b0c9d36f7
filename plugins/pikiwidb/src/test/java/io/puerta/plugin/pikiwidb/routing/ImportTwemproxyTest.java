package io.puerta.plugin.pikiwidb.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.puerta.plugin.pikiwidb.testing.NutcrackerProcess;
import io.puerta.runtime.config.ConfigLoader;
import io.puerta.runtime.server.Configuration;
import io.puerta.runtime.server.PuertaServer;
import io.puerta.runtime.testing.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/** bin/puerta import-twemproxy turns a real nutcracker.yml into a Puerta that reads what nutcracker wrote. */
class ImportTwemproxyTest {

    @TempDir
    Path dir;

    @Test
    void theImportedConfigurationServesTheDataNutcrackerWrote() throws Exception {
        RedisServerProcess[] servers = {
            RedisServerProcess.start(), RedisServerProcess.start(), RedisServerProcess.start()
        };
        try {
            String pool = "  hash: fnv1a_32\n  distribution: ketama\n  hash_tag: \"{}\"\n  auto_eject_hosts: true\n"
                    + "  server_failure_limit: 2\n  server_retry_timeout: 500\n  timeout: 2000\n  servers:\n"
                    + "   - " + servers[0].address() + ":1 alpha\n   - " + servers[1].address() + ":2\n   - "
                    + servers[2].address() + ":1 gamma\n";
            try (NutcrackerProcess nutcracker = NutcrackerProcess.start(pool)) {
                Path yaml = Files.writeString(
                        dir.resolve("nutcracker.yml"),
                        "pool:\n  listen: 127.0.0.1:" + nutcracker.port() + "\n  redis: true\n" + pool);
                String imported = cli("import-twemproxy", yaml.toString());
                // the same listener as nutcracker, which is running: let Puerta take a free port instead
                String config = imported.replace("port = " + nutcracker.port(), "port = 0");
                try (PuertaServer puerta =
                        PuertaServer.start(Configuration.load(ConfigLoader.forText(config), Optional.empty()))) {
                    List<String> keys = new ArrayList<>();
                    for (int i = 0; i < 1000; i++) {
                        keys.add(i % 3 == 0 ? "{user" + (i % 40) + "}:" + i : "item:" + i);
                    }
                    try (Jedis viaNutcracker = client(nutcracker.port());
                            Jedis viaPuerta = client(puerta.address().getPort())) {
                        Pipeline writes = viaNutcracker.pipelined();
                        for (String key : keys) {
                            writes.set(key, "v-" + key);
                        }
                        writes.sync();
                        Pipeline reads = viaPuerta.pipelined();
                        List<Response<String>> values = new ArrayList<>();
                        for (String key : keys) {
                            values.add(reads.get(key));
                        }
                        reads.sync();
                        for (int i = 0; i < keys.size(); i++) {
                            assertEquals("v-" + keys.get(i), values.get(i).get(), keys.get(i));
                        }
                    }
                }
            }
        } finally {
            for (RedisServerProcess server : servers) {
                server.close();
            }
        }
    }

    private static Jedis client(int port) {
        return new Jedis(
                new HostAndPort("127.0.0.1", port),
                DefaultJedisClientConfig.builder()
                        .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                        .build());
    }

    /** Runs bin/puerta's main class in a fresh JVM, as a user would, and returns what it printed. */
    private static String cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.puerta.runtime.cli.Main"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, process.exitValue(), err);
        return out;
    }
}
