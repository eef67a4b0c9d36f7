package io.puerta.plugin.redis.cluster;

import io.puerta.plugin.redis.common.command.CommandTable;
import io.puerta.plugin.redis.common.routing.RouteStatus;
import io.puerta.plugin.redis.common.routing.ShardedRouterBase;
import io.puerta.spi.PluginContext;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.backend.BackendHealth;
import io.puerta.spi.metrics.Counter;
import io.puerta.spi.routing.Redirect;
import io.puerta.spi.routing.RedirectAware;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.StatusAware;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes plain-Redis clients to the right node of a Redis Cluster: the master of each key's hash slot, multi-key
 * commands split per node and merged, keys that must stay together checked against one slot (as Redis does). The
 * runtime follows MOVED and ASK for it; a MOVED updates the slot here at once and asks for a full refresh.
 *
 * <p>Runs on the routing stage only; new maps arrive there too, so no locks.
 */
final class ClusterRouter extends ShardedRouterBase implements RedirectAware, StatusAware {

    private static final Logger log = LoggerFactory.getLogger(ClusterRouter.class);
    private static final long TROUBLE_MEMORY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    private final ClusterTopology topology;
    private final int maxRedirects;
    private final Counter moved;
    private final Counter refreshes;
    private final ReadFrom readFrom;
    private final PluginContext context;
    private final Duration holdUnsent;
    // masters that refused a connection or left requests unanswered lately, and when (routing stage only)
    private final Map<Backend, Long> troubled = new HashMap<>();
    private SlotMap map;
    private int nextRead; // turns between a slot's servers for reads
    private long epoch; // how many times the slot map changed, for operators
    private byte[] lastKey; // the key whose slot was computed last, and that slot (routing stage only)
    private int lastSlot;

    ClusterRouter(
            ClusterTopology topology,
            SlotMap initial,
            int maxRedirects,
            ReadFrom readFrom,
            Duration holdUnsent,
            CommandTable commands,
            PluginContext context,
            Counter moved,
            Counter refreshes) {
        super(ClusterRouterFactory.NAME, "redis-cluster");
        this.topology = topology;
        this.holdUnsent = holdUnsent;
        this.context = context;
        this.map = initial;
        this.maxRedirects = maxRedirects;
        this.readFrom = readFrom;
        this.moved = moved;
        this.refreshes = refreshes;
        useCommands(commands);
    }

    /** A new map from the topology refresher (on the routing stage). */
    void apply(SlotMap next) {
        if (!next.sameAs(map)) {
            refreshes.inc();
            log.info(
                    "cluster slot map updated: {} masters serve {} of {} slots",
                    next.masters().size(),
                    next.servedSlots(),
                    HashSlot.SLOTS);
            abandonDemoted(next);
            map = next;
            epoch++;
        }
    }

    /**
     * A master that stopped answering and has lost its slots in the new map was failed over while it stalled: what
     * it still holds would be answered (if ever) by a node that is no longer master, so those requests fail now, their
     * outcome unknown, instead of at the request timeout. A master that left in good health (a manual failover)
     * keeps its connections: it answers its requests with redirections, which are followed.
     */
    private void abandonDemoted(SlotMap next) {
        long now = System.nanoTime();
        troubled.values().removeIf(at -> now - at > TROUBLE_MEMORY_NANOS);
        if (troubled.isEmpty()) {
            return;
        }
        List<Backend> masters = next.masters();
        for (Backend before : map.masters()) {
            if (troubled.containsKey(before) && !masters.contains(before)) {
                troubled.remove(before);
                log.warn("master {} lost its slots to a failover while it was not answering", before.address());
                context.resetConnections(
                        before,
                        "backend " + before.address() + " lost its slots to a failover while it was not answering;"
                                + " the outcome of this request is unknown");
            }
        }
    }

    @Override
    public Duration holdUnsent() {
        return holdUnsent;
    }

    @Override
    public void unreachable(Backend backend, String reason) {
        troubled.put(backend, System.nanoTime());
        topology.trouble();
    }

    @Override
    public java.util.Map<String, Object> status() {
        java.util.Map<String, Object> status = new java.util.LinkedHashMap<>();
        status.put("mode", "redis-cluster");
        status.put("slotCount", HashSlot.SLOTS);
        status.put("servedSlots", map.servedSlots());
        status.put("epoch", epoch);
        status.put("slots", RouteStatus.ranges(HashSlot.SLOTS, map::master));
        return status;
    }

    @Override
    public String unroutable() {
        return RouteStatus.gap(HashSlot.SLOTS, map::master);
    }

    @Override
    protected Backend ownerOf(byte[] key) {
        return map.master(slotOf(key));
    }

    @Override
    protected Object groupOf(byte[] key, Backend owner) {
        return slotOf(key);
    }

    /**
     * The key's slot. The base asks for a key's owner, then for its group: the second call finds the slot of the
     * same key here instead of hashing it again.
     */
    private int slotOf(byte[] key) {
        if (key != lastKey) {
            lastSlot = HashSlot.of(key);
            lastKey = key;
        }
        return lastSlot;
    }

    /** Replicas serve reads when configured so (their connections said READONLY, see the factory). */
    @Override
    protected Backend readFrom(Backend owner, byte[] key) {
        if (readFrom == ReadFrom.MASTER) {
            return owner;
        }
        List<Backend> replicas = map.replicas(slotOf(key));
        int healthy = 0;
        for (Backend replica : replicas) {
            if (replica.health() != BackendHealth.DOWN) {
                healthy++;
            }
        }
        int choices = readFrom == ReadFrom.ANY ? healthy + 1 : healthy;
        if (choices == 0) {
            return owner;
        }
        int pick = Math.floorMod(nextRead++, choices);
        for (Backend replica : replicas) {
            if (replica.health() != BackendHealth.DOWN && pick-- == 0) {
                return replica;
            }
        }
        return owner; // ANY, the master's turn
    }

    /**
     * Cluster nodes share published messages, so any node will do for a channel: its slot's master, which spreads
     * subscribers over the cluster. Shard channels (SSUBSCRIBE) must be at their slot's master.
     */
    @Override
    protected Backend pubSubServer(byte[] channel, boolean sharded) {
        return map.master(HashSlot.of(channel));
    }

    /** Redis Cluster refuses BY and GET patterns whose keys may be in other slots than the sorted key's. */
    @Override
    protected boolean serversCheckSortPatterns() {
        return true;
    }

    @Override
    protected RouteDecision crossSlot(String command) {
        return RouteDecision.fail("CROSSSLOT Keys in request don't hash to the same slot");
    }

    @Override
    protected RouteDecision noOwner() {
        return RouteDecision.fail(
                "CLUSTERDOWN Hash slot not served (no slot map from the cluster yet, or the slot" + " has no master)");
    }

    @Override
    protected List<Backend> allServers() {
        return map.masters();
    }

    @Override
    protected List<Backend> liveServers() {
        return map.masters().stream()
                .filter(b -> b.health() != BackendHealth.DOWN)
                .toList();
    }

    @Override
    public int maxRedirects() {
        return maxRedirects;
    }

    @Override
    public void redirected(Redirect redirect) {
        if (redirect.moved()) {
            moved.inc();
            map.move(redirect.slot(), redirect.target());
            epoch++;
            topology.refreshSoon();
        }
    }

    @Override
    public void close() {
        topology.close();
    }
}
