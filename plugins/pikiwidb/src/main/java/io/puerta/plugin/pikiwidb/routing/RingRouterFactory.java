package io.puerta.plugin.pikiwidb.routing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.puerta.plugin.pikiwidb.hash.KeyHash;
import io.puerta.plugin.pikiwidb.ring.Distribution;
import io.puerta.spi.PluginContext;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.request.Protocol;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.RouterFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code pikiwidb-ring}: twemproxy-compatible sharding over the servers of {@code puerta.backends}, configured under
 * {@code puerta.pikiwidb}.
 */
public final class RingRouterFactory implements RouterFactory {

    static final String NAME = "pikiwidb-ring";
    private static final String PATH = "puerta.pikiwidb.";
    /** How long one server may take to describe its commands (users' rights classify commands by it). */
    static final java.time.Duration LEARN_TIMEOUT = java.time.Duration.ofSeconds(2);

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
        List<Backend> servers = servers(context);
        RingRouter router = new RingRouter(
                settings(config),
                servers,
                context.metrics().counter("ejections"),
                context.metrics().counter("returns"));
        router.learnTraitsSoon(servers, LEARN_TIMEOUT);
        return router;
    }

    static RingRouter.RingSettings settings(Config config) {
        List<String> problems = new ArrayList<>();
        String distributionName = config.getString(PATH + "distribution");
        Optional<Distribution.Kind> distribution = Arrays.stream(Distribution.Kind.values())
                .filter(k -> k.configName().equals(distributionName))
                .findFirst();
        if (distribution.isEmpty()) {
            problems.add(PATH + "distribution: expected one of "
                    + Arrays.stream(Distribution.Kind.values())
                            .map(Distribution.Kind::configName)
                            .collect(Collectors.joining(", "))
                    + " but got '" + distributionName + "'");
        }
        String hashName = config.getString(PATH + "hash").toLowerCase(Locale.ROOT);
        Optional<KeyHash> hash = KeyHash.fromConfigName(hashName);
        if (hash.isEmpty()) {
            problems.add(PATH + "hash: expected one of " + KeyHash.choices() + " but got '" + hashName + "'");
        }
        String hashTag = config.getString(PATH + "hash-tag");
        if (!hashTag.isEmpty() && hashTag.getBytes(java.nio.charset.StandardCharsets.UTF_8).length != 2) {
            problems.add(PATH + "hash-tag: expected two characters such as \"{}\" (or \"\" for none) but got '"
                    + hashTag + "'");
        }
        boolean autoEject = config.getBoolean(PATH + "auto-eject-hosts");
        if (autoEject && config.getString("puerta.health-check.checker").isEmpty()) {
            problems.add(PATH + "auto-eject-hosts: ejection follows the health checks, so set"
                    + " puerta.health-check.checker (e.g. redis-ping)");
        }
        int databases = config.getInt(PATH + "databases");
        if (databases < 1) {
            problems.add(PATH + "databases: expected at least 1 but got " + databases);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException.Generic(String.join("; ", problems));
        }
        return new RingRouter.RingSettings(distribution.get(), hash.get(), hashTag, autoEject, databases);
    }

    private static List<Backend> servers(PluginContext context) {
        List<Backend> servers = context.configuredBackends();
        if (servers.isEmpty()) {
            throw new ConfigException.Generic("puerta.backends: the " + NAME + " router needs at least one server");
        }
        return servers;
    }
}
