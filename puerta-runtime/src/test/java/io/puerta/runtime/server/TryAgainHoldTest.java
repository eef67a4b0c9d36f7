package io.puerta.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestPlugins;
import io.puerta.runtime.testing.TestProxy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A request its router answers TRYAGAIN for (a slot a fleet's move holds for a moment) waits and is routed again,
 * and the client's later requests wait behind it, so that they run in the order sent; one held for longer than
 * the hold gets the TRYAGAIN error, and the requests behind it go on.
 */
class TryAgainHoldTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "pipeline.mode = {0}")
    @ValueSource(strings = {"ring-per-loop", "ring", "event-loop"})
    void aHeldRequestIsRoutedAgainAndTheClientsLaterRequestsWaitBehindIt(String mode) throws Exception {
        Path plugins = dir.resolve("plugins");
        TestPlugins.routers(plugins.resolve("routers/routers.jar"));
        try (RedisServerProcess server = RedisServerProcess.start();
                TestProxy proxy = TestProxy.start(
                        "router = test-tryagain\n pipeline.mode = " + mode + "\n" + TestProxy.backends(server),
                        plugins);
                Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            // three TRYAGAINs for the SET: it waits; the GET and the SET behind it run after it, in order
            Pipeline pipeline = client.pipelined();
            pipeline.set("held:a", "1");
            pipeline.get("held:a");
            pipeline.set("free:b", "2");
            pipeline.get("free:b");
            assertEquals(List.of("OK", "1", "OK", "2"), pipeline.syncAndReturnAll());

            // held for good: after the hold the error comes; what was sent behind it goes on
            long start = System.nanoTime();
            pipeline = client.pipelined();
            pipeline.set("never:c", "3");
            pipeline.get("never:c");
            pipeline.set("free:d", "4");
            List<Object> replies = pipeline.syncAndReturnAll();
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            JedisDataException error = assertInstanceOf(JedisDataException.class, replies.get(0));
            assertEquals("TRYAGAIN never:c is held for good", error.getMessage());
            assertNull(replies.get(1));
            assertEquals("OK", replies.get(2));
            assertTrue(waitedMillis >= 900, "the SET waited " + waitedMillis + " ms before its error");
            assertEquals("4", client.get("free:d"));
        }
    }
}
