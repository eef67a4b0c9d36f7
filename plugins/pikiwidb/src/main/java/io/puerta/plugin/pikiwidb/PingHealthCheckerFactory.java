package io.puerta.plugin.pikiwidb;

import com.typesafe.config.Config;
import io.puerta.plugin.redis.common.resp.BlockingRespClient;
import io.puerta.plugin.redis.common.resp.RespError;
import io.puerta.spi.PluginContext;
import io.puerta.spi.health.HealthChecker;
import io.puerta.spi.health.HealthCheckerFactory;
import io.puerta.spi.health.HealthResult;

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
        return (backend, timeout) -> {
            try (BlockingRespClient client = BlockingRespClient.connect(backend, timeout)) {
                Object reply = client.call("PING");
                if ("PONG".equals(reply)) {
                    return HealthResult.up("PONG");
                }
                String answer = reply instanceof RespError error ? "-" + error.message() : String.valueOf(reply);
                return HealthResult.down("PING answered " + answer);
            }
        };
    }
}
