package io.puerta.plugin.redis.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.puerta.plugin.redis.common.command.CommandTable;
import io.puerta.spi.PluginContext;
import io.puerta.spi.request.Protocol;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.RouterFactory;
import java.time.Duration;
import java.util.List;

/**
 * {@code redis-cluster}: clients without cluster support use a whole Redis Cluster through Puerta. The configured
 * backends are seed nodes; the slot map is learned from the cluster.
 */
public final class ClusterRouterFactory implements RouterFactory {

    static final String NAME = "redis-cluster";
    private static final String PATH = "puerta.redis-cluster.";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Protocol protocol() {
        return Protocol.RESP;
    }

    @Override
    public Router create(Config config, PluginContext context) {
        if (context.configuredBackends().isEmpty()) {
            throw new ConfigException.Generic(
                    "puerta.backends: the redis-cluster router needs at least one seed node of the cluster");
        }
        Duration interval = config.getDuration(PATH + "refresh-interval");
        Duration timeout = config.getDuration(PATH + "timeout");
        int maxRedirects = config.getInt(PATH + "max-redirects");
        Duration holdUnsent = config.getDuration(PATH + "hold-unsent-for");
        ReadFrom readFrom = ReadFrom.parse(config.getString(PATH + "read-from"));
        if (readFrom == null) {
            throw new ConfigException.BadValue(
                    PATH + "read-from",
                    "must be \"master\", \"prefer-replica\" or \"any\", not \"" + config.getString(PATH + "read-from")
                            + "\"");
        }
        if (interval.isZero()
                || interval.isNegative()
                || timeout.isZero()
                || timeout.isNegative()
                || maxRedirects < 1
                || holdUnsent.isNegative()) {
            throw new ConfigException.Generic(PATH
                    + "refresh-interval and timeout must be positive durations, hold-unsent-for not negative, and"
                    + " max-redirects >= 1");
        }
        if (readFrom != ReadFrom.MASTER) {
            // Replicas serve reads only to connections that asked; masters ignore it, so every connection asks.
            context.greetBackendsWith(List.of("READONLY"));
        }
        ClusterTopology topology = new ClusterTopology(context, context.configuredBackends(), timeout);
        SlotMap initial = topology.fetch();
        CommandTable commands = CommandTable.builtin();
        if (config.getBoolean(PATH + "learn-commands")) {
            commands = topology.learnCommands(commands);
        }
        ClusterRouter router = new ClusterRouter(
                topology,
                initial == null ? SlotMap.empty() : initial,
                maxRedirects,
                readFrom,
                holdUnsent,
                commands,
                context,
                context.metrics().counter("moved"),
                context.metrics().counter("refreshes"));
        topology.start(interval, router::apply);
        if (initial == null) {
            topology.refreshSoon();
        }
        return router;
    }
}
