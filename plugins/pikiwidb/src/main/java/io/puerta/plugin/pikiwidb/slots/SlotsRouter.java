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
 * <p>In a fleet that shares its configuration, a move goes through the shared configuration instead
 * ({@code bin/puerta slots move}, see docs/fleet.md): while it is {@code preparing}, requests for its slots are
 * answered {@code TRYAGAIN}, so that no member serves them by the old table once any serves them by the new one;
 * once every member has acknowledged that, it is {@code migrating}: requests go to the new server, their keys
 * migrating first, while each member's background migration moves the rest. The router tells the fleet when its
 * migration is done ({@code fleet} in its status), and the tool ends the move once every member's is.
 *
 * <p>Runs on the routing stage only (the migration thread only sets its done flag), so no locks.
 */
public final class SlotsRouter extends ShardedRouterBase implements StatusAware {

    private static final Logger log = LoggerFactory.getLogger(SlotsRouter.class);

    private final PluginContext context;
    private final Counter movedKeys;
    private final Counter migrations;
    private SlotSettings settings;
    private SlotTable routing; // the table requests follow: settings' own, or with a migrating move applied
    private SlotSettings.FleetMove fleetMove; // the fleet's move under way, or null
    private Migration migration;

    public SlotsRouter(SlotSettings settings, PluginContext context) {
        super(SlotsRouterFactory.NAME, "pikiwidb");
        this.settings = settings;
        this.context = context;
        this.fleetMove = null;
        this.routing = settings.table();
        this.movedKeys = context.metrics().counter("moved-keys");
        this.migrations = context.metrics().counter("migrations");
        context.metrics().gauge("migrating", () -> migration == null ? 0 : 1);
        if (settings.move() != null) {
            followFleetMove(settings, false); // started, or rebuilt, in the middle of a fleet's move
        }
    }

    @Override
    public java.util.Map<String, Object> status() {
        java.util.Map<String, Object> status = new java.util.LinkedHashMap<>();
        status.put("mode", "pikiwidb-slots");
        status.put("slotCount", routing.count());
        status.put("migrating", migration != null);
        status.put("slots", RouteStatus.ranges(routing.count(), routing::owner));
        if (fleetMove != null) {
            java.util.Map<String, Object> fleet = new java.util.LinkedHashMap<>();
            fleet.put("move", fleetMove.id());
            fleet.put("slots", fleetMove.slots());
            fleet.put("server", fleetMove.server().address());
            fleet.put("state", fleetMove.migrating() ? "migrating" : "preparing");
            // this member's share of the move is done: nothing of the slots is left on their old servers
            fleet.put("migrated", fleetMove.migrating() && (migration == null || migration.isDone()));
            status.put("fleet", fleet);
        }
        return status;
    }

    @Override
    public String unroutable() {
        return RouteStatus.gap(routing.count(), routing::owner);
    }

    @Override
    protected Backend ownerOf(byte[] key) {
        int slot = routing.slotOf(key);
        if (fleetMove != null && !fleetMove.migrating() && fleetMove.covers(slot)) {
            throw new PluginException("TRYAGAIN slot " + slot + " is moving to "
                    + fleetMove.server().address() + " (fleet move " + fleetMove.id()
                    + ", waiting for every member); retry in a moment");
        }
        return routing.owner(slot);
    }

    @Override
    protected List<Backend> allServers() {
        Set<Backend> all = new LinkedHashSet<>(routing.servers());
        if (migration != null) {
            for (int slot = 0; slot < routing.count(); slot++) {
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
                && fleetMove == null
                && migration.isDone()
                && System.nanoTime() - migration.doneAtNanos()
                        > settings.grace().toNanos()) {
            migration = null;
            migrations.inc();
            log.info("slot table rebalanced: every moved slot is served by its new owner alone");
        }
    }

    @Override
    protected boolean mayNeedPrelude() {
        return migration != null;
    }

    @Override
    protected Prelude preludeFor(Backend owner, List<byte[]> keys) {
        if (migration == null) {
            return null;
        }
        Backend source = null;
        List<byte[]> moving = new ArrayList<>();
        for (byte[] key : keys) {
            Backend from = migration.sourceOf(routing.slotOf(key));
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
        if (next.table().count() != routing.count()) {
            log.error(
                    "the slot count cannot change while running ({} -> {}); keeping the current table",
                    routing.count(),
                    next.table().count());
            return false;
        }
        if (next.move() != null) {
            return followFleetMove(next, true);
        }
        // no move of a fleet under way: a move ended (its slots are in the table now, as routed already), was
        // called off while preparing (nothing was routed the new way), or the table was edited by hand
        fleetMove = null;
        List<Integer> changed = routing.changedIn(next.table());
        if (!changed.isEmpty() && migration != null && !migration.isDone()) {
            log.error("a rebalancing is still in progress; the new slot table is ignored until it is done");
            return false;
        }
        if (!changed.isEmpty()) {
            migration = new Migration(routing, next.table(), changed, next, movedKeys);
            log.info("rebalancing: {} slots change owner; their keys move in the background", changed.size());
            migration.start();
        }
        settings = next;
        routing = next.table();
        return true;
    }

    /** Takes a step of the fleet's move: hold its slots (preparing), or send them to their new server (migrating). */
    private boolean followFleetMove(SlotSettings next, boolean fromReconfigure) {
        SlotSettings.FleetMove move = next.move();
        boolean sameStep = fleetMove != null && fleetMove.equals(move);
        settings = next;
        fleetMove = move;
        if (!move.migrating()) {
            routing = next.table();
            if (!sameStep && fromReconfigure) {
                log.info(
                        "fleet move {}: holding slots {} until every member is ready to move them to {}",
                        move.id(),
                        move.slots(),
                        move.server().address());
            }
            return true;
        }
        SlotTable target = next.table().reassigned(move.from(), move.to(), move.server());
        if (sameStep) {
            routing = target;
            return true;
        }
        if (migration != null) {
            migration.stop(); // a hand-made rebalancing, overtaken by the fleet's move (which covers its keys too)
        }
        List<Integer> changed = next.table().changedIn(target);
        migration = changed.isEmpty() ? null : new Migration(next.table(), target, changed, next, movedKeys);
        routing = target;
        log.atLevel(fromReconfigure ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.DEBUG)
                .log(
                        "fleet move {}: slots {} go to {}; {} slots change owner, their keys move in the background",
                        move.id(),
                        move.slots(),
                        move.server().address(),
                        changed.size());
        if (migration != null) {
            migration.start();
        }
        return true;
    }

    @Override
    public void close() {
        if (migration != null) {
            migration.stop();
        }
    }
}
