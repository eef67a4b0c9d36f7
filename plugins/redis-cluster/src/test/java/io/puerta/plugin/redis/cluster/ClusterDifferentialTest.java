package io.puerta.plugin.redis.cluster;

import static io.puerta.plugin.redis.cluster.testing.RedisCluster.call;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.plugin.redis.cluster.testing.RedisCluster;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import io.puerta.runtime.testing.diff.DeliberateDifferences;
import io.puerta.runtime.testing.diff.DifferentialRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The differential tester in redis-cluster mode: random command sequences give the same replies, RESP2 and RESP3,
 * from one standalone redis-server and from Puerta in front of a 3-master cluster. The seed is in the report; run
 * another with {@code -Dpuerta.diff.seed=N}.
 */
class ClusterDifferentialTest {

    private static RedisCluster cluster;
    private static RedisServerProcess standalone;
    private static TestProxy proxy;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start(3, 0);
        standalone = RedisServerProcess.start();
        proxy = TestProxy.start("router = redis-cluster\n" + cluster.seeds(), null);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (standalone != null) {
            standalone.close();
        }
    }

    @Test
    void randomCommandSequencesAnswerAsOneServerDoes() {
        long seed = Long.getLong("puerta.diff.seed", 20261201L);
        cluster.flushMasters();
        call(standalone, "FLUSHALL");
        DifferentialRun.Outcome outcome =
                DifferentialRun.run(seed, 3_000, standalone.port(), proxy.port(), DeliberateDifferences.THROUGH_PUERTA);
        System.out.println("[differential, redis-cluster] " + outcome.report());
        assertTrue(outcome.differences().isEmpty(), outcome.report());
        assertTrue(outcome.compared() >= 3_000, "every step compared");
    }
}
