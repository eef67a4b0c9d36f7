package io.puerta.plugin.mongo.affinity.health;

import com.typesafe.config.Config;
import io.puerta.plugin.mongo.affinity.wire.HelloClient;
import io.puerta.spi.PluginContext;
import io.puerta.spi.health.HealthChecker;
import io.puerta.spi.health.HealthCheckerFactory;
import io.puerta.spi.health.HealthResult;
import org.bson.BsonDocument;

/**
 * {@code mongo-hello}: a mongos is healthy when it answers {@code hello} on {@code admin} (or, for servers that do
 * not know hello, the legacy {@code isMaster}) with {@code ok: 1}.
 */
public final class HelloHealthCheckerFactory implements HealthCheckerFactory {

    @Override
    public String name() {
        return "mongo-hello";
    }

    @Override
    public HealthChecker create(Config config, PluginContext context) {
        return (backend, timeout) -> {
            BsonDocument reply = HelloClient.hello(backend.socketFactory(), backend.host(), backend.port(), timeout);
            if (!HelloClient.ok(reply)) {
                return HealthResult.down("hello answered " + reply.toJson());
            }
            String wire = reply.isNumber("maxWireVersion")
                    ? " (maxWireVersion " + reply.getNumber("maxWireVersion").intValue() + ")"
                    : "";
            return HealthResult.up("hello ok" + wire);
        };
    }
}
