package io.puerta.plugin.pikiwidb.routing;

import io.puerta.plugin.pikiwidb.hash.KeyHash;
import io.puerta.plugin.pikiwidb.ring.Distribution;
import io.puerta.plugin.pikiwidb.ring.KeyRing;
import io.puerta.plugin.pikiwidb.ring.RingServer;
import io.puerta.plugin.redis.common.routing.RouteStatus;
import io.puerta.plugin.redis.common.routing.ShardedRouterBase;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.backend.BackendHealth;
import io.puerta.spi.metrics.Counter;
import io.puerta.spi.routing.Prelude;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.StatusAware;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shards keys over standalone servers exactly as twemproxy does with the same server list, hash, distribution and
 * hash tag. With auto-eject-hosts, a server the health checks mark down leaves the ring (its keys move to the
 * others, as in twemproxy) and comes back when it passes them again.
 *
 * <p>Runs on the routing stage only, so its state needs no locks.
 */
final class RingRouter extends ShardedRouterBase implements StatusAware {

    private static final Logger log = LoggerFactory.getLogger(RingRouter.class);
    private static final long HEALTH_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final RingSettings settings;
    private final List<Backend> servers;
    private final List<RingServer> ringServers;
    private final Counter ejections;
    private final Counter returns;

    private final boolean[] ejected;
    private List<Backend> live;
    private KeyRing ring;
    private long nextHealthPoll;

    RingRouter(RingSettings settings, List<Backend> servers, Counter ejections, Counter returns) {
        super(RingRouterFactory.NAME, "pikiwidb");
        this.settings = settings;
        this.servers = List.copyOf(servers);
        this.ringServers = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            Backend server = servers.get(i);
            String name = server.name().equals(server.address())
                    ? RingServer.defaultName(server.host(), server.port())
                    : server.name();
            ringServers.add(new RingServer(name, server.weight(), i));
        }
        this.ejected = new boolean[servers.size()];
        this.ejections = ejections;
        this.returns = returns;
        rebuild();
    }

    @Override
    public java.util.Map<String, Object> status() {
        java.util.Map<String, Object> status = new java.util.LinkedHashMap<>();
        status.put("mode", "pikiwidb-ring");
        status.put("distribution", settings.distribution().configName());
        status.put("hash", settings.hash().configName());
        status.put("autoEjectHosts", settings.autoEjectHosts());
        java.util.List<Object> members = new java.util.ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            java.util.Map<String, Object> server = RouteStatus.server(servers.get(i));
            server.put("name", ringServers.get(i).name());
            server.put("weight", servers.get(i).weight());
            server.put("ejected", ejected[i]);
            members.add(server);
        }
        status.put("servers", members);
        return status;
    }

    /**
     * With ejection, keys have a route while one server is in the ring; without it, every server's share of the
     * keys needs that server.
     */
    @Override
    public String unroutable() {
        if (ring == null) {
            return "no server is in the ring";
        }
        if (settings.autoEjectHosts()) {
            return null;
        }
        java.util.List<String> down = new java.util.ArrayList<>();
        for (Backend server : servers) {
            if (server.health() == io.puerta.spi.backend.BackendHealth.DOWN) {
                down.add(server.address());
            }
        }
        return down.isEmpty()
                ? null
                : "keys on " + String.join(", ", down) + " have no route: down, and" + " auto-eject-hosts is off";
    }

    @Override
    protected Backend ownerOf(byte[] key) {
        return ring == null ? null : servers.get(ring.serverFor(key));
    }

    @Override
    protected List<Backend> allServers() {
        return servers;
    }

    @Override
    protected List<Backend> liveServers() {
        return live;
    }

    @Override
    protected void beforeRoute() {
        if (settings.autoEjectHosts()) {
            followHealth();
        }
    }

    @Override
    protected RouteDecision forwardTo(Backend server, Prelude prelude) {
        if (!settings.autoEjectHosts() && server.health() == BackendHealth.DOWN) {
            return RouteDecision.fail("server " + server.name() + " is down (failing health checks; its keys are not"
                    + " moved because puerta.pikiwidb.auto-eject-hosts is off)");
        }
        return super.forwardTo(server, prelude);
    }

    /** Rebuilds the ring when the health checks eject a server or let one back in, as twemproxy does. */
    private void followHealth() {
        long now = System.nanoTime();
        if (now - nextHealthPoll < 0) {
            return;
        }
        nextHealthPoll = now + HEALTH_POLL_NANOS;
        boolean changed = false;
        for (int i = 0; i < servers.size(); i++) {
            boolean down = servers.get(i).health() == BackendHealth.DOWN;
            if (down != ejected[i]) {
                ejected[i] = down;
                changed = true;
                if (down) {
                    ejections.inc();
                    log.warn(
                            "server {} ejected from the ring: failing health checks; its keys go to the other servers",
                            servers.get(i).name());
                } else {
                    returns.inc();
                    log.info(
                            "server {} back in the ring: passing health checks again",
                            servers.get(i).name());
                }
            }
        }
        if (changed) {
            rebuild();
        }
    }

    private void rebuild() {
        List<RingServer> liveRing = new ArrayList<>();
        List<Backend> liveServers = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            if (!ejected[i]) {
                liveRing.add(ringServers.get(i));
                liveServers.add(servers.get(i));
            }
        }
        live = List.copyOf(liveServers);
        if (liveRing.isEmpty()) {
            ring = null;
            log.error("no live server left in the ring: every request fails until one passes its health checks");
            return;
        }
        Distribution distribution = settings.distribution().build(liveRing);
        ring = new KeyRing(
                settings.hash(),
                distribution,
                settings.hashTag(),
                liveRing.size(),
                liveRing.get(0).index());
    }

    /** Ring settings, validated. */
    /** @param databases how many databases clients may SELECT (the servers must have them) */
    record RingSettings(
            Distribution.Kind distribution, KeyHash hash, String hashTag, boolean autoEjectHosts, int databases) {}

    @Override
    public int databases() {
        return settings.databases();
    }
}
