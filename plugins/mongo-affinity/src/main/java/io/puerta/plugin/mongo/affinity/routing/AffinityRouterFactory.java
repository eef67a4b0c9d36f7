package io.puerta.plugin.mongo.affinity.routing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.puerta.spi.PluginContext;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.request.Protocol;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.RouterFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code mongo-affinity}: several mongos of one sharded cluster behind one address. The configured backends are the
 * mongos; {@code puerta.client-identifier} names how clients are told apart, and so whether connections are routed
 * once and spliced (socket-addr, fingerprint) or messages one by one (session-id, hybrid with session-id).
 */
public final class AffinityRouterFactory implements RouterFactory {

    public static final String NAME = "mongo-affinity";
    private static final String PATH = "puerta.mongo-affinity.";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Protocol protocol() {
        return Protocol.MONGO;
    }

    @Override
    public Router create(Config config, PluginContext context) {
        List<Backend> mongos = context.configuredBackends();
        if (mongos.isEmpty()) {
            throw new ConfigException.Generic("puerta.backends: the mongo-affinity router needs at least one mongos");
        }
        String balance = config.getString(PATH + "balance");
        Map<Backend, Integer> clientCounts = new ConcurrentHashMap<>();
        if (Balancer.named(balance, b -> 0) == null) {
            throw new ConfigException.BadValue(
                    PATH + "balance", "expected round-robin, least-connections or rendezvous, not '" + balance + "'");
        }
        int maxEntries = positive(config, PATH + "affinity.max-entries");
        Duration idle = positiveDuration(config, PATH + "affinity.idle-timeout");
        Duration cursorIdle = positiveDuration(config, PATH + "cursors.idle-timeout");
        int maxCursors = positive(config, PATH + "cursors.max-pinned");
        int maxTransactions = positive(config, PATH + "max-pinned-transactions");
        Duration probeInterval = positiveDuration(config, PATH + "handshake.refresh-interval");
        Duration probeTimeout = positiveDuration(config, PATH + "handshake.timeout");
        int wire = positive(config, PATH + "handshake.max-wire-version");
        int sessionMinutes = positive(config, PATH + "handshake.logical-session-timeout-minutes");

        boolean perMessage = perMessage(config);
        AffinityTable affinity = new AffinityTable(maxEntries, idle.toNanos(), System::nanoTime);
        CursorPins cursors = new CursorPins(maxCursors, cursorIdle.toNanos(), System::nanoTime);
        Handshake handshake = new Handshake(mongos, probeTimeout, wire, sessionMinutes);
        if (perMessage) {
            handshake.start(probeInterval);
        }
        context.metrics().gauge("affinity-entries", affinity::size);
        context.metrics().gauge("pinned-cursors", cursors::size);
        for (Backend backend : mongos) {
            context.metrics()
                    .gauge(
                            "clients." + backend.address().replace(':', '_'),
                            () -> clientCounts.getOrDefault(backend, 0));
        }
        return new AffinityRouter(
                mongos,
                balance,
                affinity,
                cursors,
                maxTransactions,
                perMessage,
                handshake,
                context.metrics().counter("new-identities"),
                clientCounts);
    }

    /** Whether the configured identifier routes message by message (this plugin's session-id, or a hybrid with it). */
    static boolean perMessage(Config config) {
        String identifier = config.getString("puerta.client-identifier");
        return switch (identifier) {
            case "session-id" -> true;
            case "hybrid" -> config.getStringList(PATH + "hybrid.order").contains("session-id");
            default -> false;
        };
    }

    private static int positive(Config config, String path) {
        int value = config.getInt(path);
        if (value < 1) {
            throw new ConfigException.BadValue(path, "must be at least 1, not " + value);
        }
        return value;
    }

    private static Duration positiveDuration(Config config, String path) {
        Duration value = config.getDuration(path);
        if (value.isZero() || value.isNegative()) {
            throw new ConfigException.BadValue(path, "must be a positive duration");
        }
        return value;
    }
}
