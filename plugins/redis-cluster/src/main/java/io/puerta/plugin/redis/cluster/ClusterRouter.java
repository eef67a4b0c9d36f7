package io.puerta.plugin.redis.cluster;

import io.puerta.plugin.redis.common.routing.ShardedRouterBase;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.backend.BackendHealth;
import io.puerta.spi.metrics.Counter;
import io.puerta.spi.routing.Redirect;
import io.puerta.spi.routing.RouteDecision;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes plain-Redis clients to the right node of a Redis Cluster: the master of each key's hash slot, multi-key
 * commands split per node and merged, keys that must stay together checked against one slot (as Redis does). The
 * runtime follows MOVED and ASK for it; a MOVED updates the slot here at once and asks for a full refresh.
 *
 * <p>Runs on the routing stage only; new maps arrive there too, so no locks.
 */
final class ClusterRouter extends ShardedRouterBase {

    private static final Logger log = LoggerFactory.getLogger(ClusterRouter.class);

    private final ClusterTopology topology;
    private final int maxRedirects;
    private final Counter moved;
    private final Counter refreshes;
    private SlotMap map;

    ClusterRouter(ClusterTopology topology, SlotMap initial, int maxRedirects, Counter moved, Counter refreshes) {
        super(ClusterRouterFactory.NAME, "redis-cluster");
        this.topology = topology;
        this.map = initial;
        this.maxRedirects = maxRedirects;
        this.moved = moved;
        this.refreshes = refreshes;
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
            map = next;
        }
    }

    @Override
    protected Backend ownerOf(byte[] key) {
        return map.master(HashSlot.of(key));
    }

    @Override
    protected Object groupOf(byte[] key, Backend owner) {
        return HashSlot.of(key);
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
            topology.refreshSoon();
        }
    }

    @Override
    public void close() {
        topology.close();
    }
}
