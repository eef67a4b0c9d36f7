package io.puerta.plugin.pikiwidb.routing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.RespConnection;
import io.puerta.runtime.testing.TestProxy;
import io.puerta.runtime.testing.diff.DeliberateDifferences;
import io.puerta.runtime.testing.diff.DifferentialRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The differential tester in pikiwidb-ring mode: random command sequences give the same replies, RESP2 and RESP3,
 * from one standalone redis-server and from Puerta sharding three. The seed is in the report; run another with
 * {@code -Dpuerta.diff.seed=N}.
 */
class RingDifferentialTest {

    private static final RedisServerProcess[] SHARDS = new RedisServerProcess[3];
    private static RedisServerProcess standalone;
    private static TestProxy proxy;

    @BeforeAll
    static void start() {
        StringBuilder config = new StringBuilder("router = pikiwidb-ring\nbackends = [\n");
        for (int i = 0; i < SHARDS.length; i++) {
            SHARDS[i] = RedisServerProcess.start();
            config.append("{ address = \"").append(SHARDS[i].address()).append("\" }\n");
        }
        config.append("]\npikiwidb { distribution = ketama, hash = murmur, hash-tag = \"{}\" }");
        standalone = RedisServerProcess.start();
        proxy = TestProxy.start(config.toString(), null);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        for (RedisServerProcess server : SHARDS) {
            if (server != null) {
                server.close();
            }
        }
        if (standalone != null) {
            standalone.close();
        }
    }

    @Test
    void randomCommandSequencesAnswerAsOneServerDoes() {
        long seed = Long.getLong("puerta.diff.seed", 20261201L);
        for (int port : new int[] {standalone.port(), proxy.port()}) {
            try (RespConnection client = new RespConnection(port)) {
                client.call("FLUSHALL");
            }
        }
        DifferentialRun.Outcome outcome =
                DifferentialRun.run(seed, 3_000, standalone.port(), proxy.port(), DeliberateDifferences.THROUGH_PUERTA);
        System.out.println("[differential, pikiwidb-ring] " + outcome.report());
        assertTrue(outcome.differences().isEmpty(), outcome.report());
        assertTrue(outcome.compared() >= 3_000, "every step compared");
    }
}
