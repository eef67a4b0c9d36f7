package io.puerta.plugin.pikiwidb;

import com.typesafe.config.Config;
import io.puerta.plugin.redis.common.resp.BlockingRespClient;
import io.puerta.plugin.redis.common.resp.RespError;
import io.puerta.spi.PluginContext;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.health.HealthChecker;
import io.puerta.spi.health.HealthCheckerFactory;
import io.puerta.spi.health.HealthResult;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code redis-ping}: a standalone Redis-protocol server (pikiwidb, Redis, Valkey) is healthy when it answers
 * {@code PING} with {@code +PONG}. Anything else (an error such as {@code -LOADING}, silence, a refused connection)
 * is a failed check whose reason is kept.
 */
public final class PingHealthCheckerFactory implements HealthCheckerFactory {

    @Override
    public String name() {
        return "redis-ping";
    }

    @Override
    public HealthChecker create(Config config, PluginContext context) {
        return new KeptConnections();
    }

    /**
     * One connection per backend, kept from one check to the next: a connect, a login and a close every second
     * for every server cost an idle proxy most of its CPU (0.75% of a core against 0.25% without checks, three
     * servers). Checks of one backend never overlap (the runtime runs them one after the other), so a connection is
     * taken out while it is used. A kept connection that fails is replaced by a fresh one at once, so a server that
     * restarted between two checks is not reported down for the stale socket.
     */
    private static final class KeptConnections implements HealthChecker {

        private final Map<String, BlockingRespClient> kept = new ConcurrentHashMap<>();
        private volatile boolean closed;

        @Override
        public HealthResult check(Backend backend, Duration timeout) throws IOException {
            BlockingRespClient client = kept.remove(backend.address());
            if (client != null) {
                try {
                    return ping(backend, client);
                } catch (IOException stale) {
                    closeQuietly(client); // the server may have restarted since: try a fresh connection
                }
            }
            return ping(backend, BlockingRespClient.connect(backend, timeout));
        }

        /** PINGs on {@code client}, which is kept for the next check unless it failed. */
        private HealthResult ping(Backend backend, BlockingRespClient client) throws IOException {
            Object reply;
            try {
                reply = client.call("PING");
            } catch (IOException | RuntimeException e) {
                closeQuietly(client);
                throw e;
            }
            if (closed || kept.putIfAbsent(backend.address(), client) != null) {
                closeQuietly(client);
            }
            if ("PONG".equals(reply)) {
                return HealthResult.up("PONG");
            }
            String answer = reply instanceof RespError error ? "-" + error.message() : String.valueOf(reply);
            return HealthResult.down("PING answered " + answer);
        }

        @Override
        public void close() {
            closed = true;
            kept.values().forEach(KeptConnections::closeQuietly);
            kept.clear();
        }

        private static void closeQuietly(BlockingRespClient client) {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
