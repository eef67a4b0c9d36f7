package io.puerta.plugin.pikiwidb.slots;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.puerta.plugin.redis.common.routing.RouteStatus;
import io.puerta.plugin.redis.common.routing.ShardedRouterBase;
import io.puerta.spi.PluginContext;
import io.puerta.spi.PluginException;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.backend.BackendHealth;
import io.puerta.spi.metrics.Counter;
import io.puerta.spi.routing.Prelude;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.StatusAware;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shards keys by a codis-style slot table. Changing the table (the configuration file is reloaded) moves the
 * re-assigned slots online: new requests go to the new owner, each first migrating its own keys from the old
 * owner (a prelude), while a background {@link Migration} moves the rest. When nothing is left to move, and a grace
 * period has let every request routed the old way finish, the preludes stop.
 *
 * <p>Runs on the routing stage only (the migration thread only sets its done flag), so no locks.
 */
public final class SlotsRouter extends ShardedRouterBase implements StatusAware {

    private static final Logger log = LoggerFactory.getLogger(SlotsRouter.class);

    private final PluginContext context;
    private final Counter movedKeys;
    private final Counter migrations;
    private SlotSettings settings;
    private Migration migration;

    public SlotsRouter(SlotSettings settings, PluginContext context) {
        super(SlotsRouterFactory.NAME, "pikiwidb");
        this.settings = settings;
        this.context = context;
        this.movedKeys = context.metrics().counter("moved-keys");
        this.migrations = context.metrics().counter("migrations");
        context.metrics().gauge("migrating", () -> migration == null ? 0 : 1);
    }

    @Override
    public java.util.Map<String, Object> status() {
        java.util.Map<String, Object> status = new java.util.LinkedHashMap<>();
        status.put("mode", "pikiwidb-slots");
        status.put("slotCount", settings.table().count());
        status.put("migrating", migration != null);
        status.put("slots", RouteStatus.ranges(settings.table().count(), settings.table()::owner));
        return status;
    }

    @Override
    public String unroutable() {
        return RouteStatus.gap(settings.table().count(), settings.table()::owner);
    }

    @Override
    protected Backend ownerOf(byte[] key) {
        return settings.table().owner(settings.table().slotOf(key));
    }

    @Override
    protected List<Backend> allServers() {
        Set<Backend> all = new LinkedHashSet<>(settings.table().servers());
        if (migration != null) {
            for (int slot = 0; slot < settings.table().count(); slot++) {
                Backend source = migration.sourceOf(slot);
                if (source != null) {
                    all.add(source);
                }
            }
        }
        return List.copyOf(all);
    }

    @Override
    protected List<Backend> liveServers() {
        return allServers().stream()
                .filter(b -> b.health() != BackendHealth.DOWN)
                .toList();
    }

    @Override
    protected void beforeRoute() {
        if (migration != null
                && migration.isDone()
                && System.nanoTime() - migration.doneAtNanos()
                        > settings.grace().toNanos()) {
            migration = null;
            migrations.inc();
            log.info("slot table rebalanced: every moved slot is served by its new owner alone");
        }
    }

    @Override
    protected Prelude preludeFor(Backend owner, List<byte[]> keys) {
        if (migration == null) {
            return null;
        }
        Backend source = null;
        List<byte[]> moving = new ArrayList<>();
        for (byte[] key : keys) {
            Backend from = migration.sourceOf(settings.table().slotOf(key));
            if (from == null) {
                continue;
            }
            if (source != null && !source.equals(from)) {
                throw new PluginException("TRYAGAIN the keys of this command are moving from several servers;"
                        + " retry once the rebalancing is done");
            }
            source = from;
            moving.add(key);
        }
        return source == null ? null : new Prelude(source, migration.migrateArgs(owner, moving));
    }

    @Override
    protected RouteDecision forwardTo(Backend server, Prelude prelude) {
        if (server.health() == BackendHealth.DOWN) {
            return RouteDecision.fail("server " + server.name() + " is down (failing health checks)");
        }
        return super.forwardTo(server, prelude);
    }

    @Override
    public boolean reconfigure(Config config) {
        SlotSettings next;
        try {
            next = SlotSettings.read(config, context);
        } catch (ConfigException e) {
            log.error("the new slot table is not valid; keeping the current one: {}", e.getMessage());
            return false;
        }
        if (next.table().count() != settings.table().count()) {
            log.error(
                    "the slot count cannot change while running ({} -> {}); keeping the current table",
                    settings.table().count(),
                    next.table().count());
            return false;
        }
        List<Integer> changed = settings.table().changedIn(next.table());
        if (!changed.isEmpty() && migration != null) {
            log.error("a rebalancing is still in progress; the new slot table is ignored until it is done");
            return false;
        }
        if (!changed.isEmpty()) {
            migration = new Migration(settings.table(), next.table(), changed, next, movedKeys);
            log.info("rebalancing: {} slots change owner; their keys move in the background", changed.size());
            migration.start();
        }
        settings = next;
        return true;
    }

    @Override
    public void close() {
        if (migration != null) {
            migration.stop();
        }
    }
}
