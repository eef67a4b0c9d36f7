package io.puerta.plugin.pikiwidb.routing;

import io.puerta.plugin.pikiwidb.command.CommandSpec;
import io.puerta.plugin.pikiwidb.command.CommandTable;
import io.puerta.plugin.pikiwidb.command.KeyPositions;
import io.puerta.plugin.pikiwidb.hash.KeyHash;
import io.puerta.plugin.pikiwidb.ring.Distribution;
import io.puerta.plugin.pikiwidb.ring.KeyRing;
import io.puerta.plugin.pikiwidb.ring.RingServer;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.backend.BackendHealth;
import io.puerta.spi.metrics.Counter;
import io.puerta.spi.request.Request;
import io.puerta.spi.request.RespCommand;
import io.puerta.spi.routing.MergeKind;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.SplitPart;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shards keys over standalone servers exactly as twemproxy does with the same server list, hash, distribution and
 * hash tag. Multi-key commands are split per server and merged; commands whose keys must stay together are refused
 * when they do not. With auto-eject-hosts, a server the health checks mark down leaves the ring (its keys move to
 * the others, as in twemproxy) and comes back when it passes them again.
 *
 * <p>Runs on the routing stage only, so its state needs no locks.
 */
final class RingRouter implements Router {

    private static final Logger log = LoggerFactory.getLogger(RingRouter.class);
    private static final long HEALTH_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final RingSettings settings;
    private final List<Backend> servers;
    private final List<RingServer> ringServers;
    private final ProxyCommands proxyCommands;
    private final Counter ejections;
    private final Counter returns;

    private final boolean[] ejected;
    private List<Backend> live;
    private KeyRing ring;
    private long nextHealthPoll;

    RingRouter(RingSettings settings, List<Backend> servers, Counter ejections, Counter returns) {
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
        this.proxyCommands = new ProxyCommands(RingRouterFactory.NAME, new ServerSet() {
            @Override
            public List<Backend> all() {
                return RingRouter.this.servers;
            }

            @Override
            public List<Backend> live() {
                return RingRouter.this.live;
            }
        });
        rebuild();
    }

    @Override
    public RouteDecision route(Request request) {
        RespCommand command = (RespCommand) request;
        if (settings.autoEjectHosts()) {
            followHealth();
        }
        String name = command.name();
        CommandSpec spec = CommandTable.lookup(name);
        if (spec == null) {
            return RouteDecision.fail("unknown command '" + name + "' (not supported through the pikiwidb proxy)");
        }
        return switch (spec.kind()) {
            case PROXY -> proxyCommands.route(command);
            case REFUSED -> RouteDecision.fail(name + " is not supported through the pikiwidb proxy: " + spec.reason());
            case KEYED, NUMKEYS -> keyed(command, spec);
            case SPLITTABLE -> splittable(command, spec);
        };
    }

    private RouteDecision keyed(RespCommand command, CommandSpec spec) {
        if (ring == null) {
            return ProxyCommands.noLiveServer();
        }
        List<Integer> keys = KeyPositions.of(spec, command);
        if (keys == null || keys.isEmpty()) {
            // malformed: let a server answer with its own arity or syntax error
            return forwardTo(live.get(0));
        }
        int server = ring.serverFor(command.arg(keys.get(0)));
        for (int i = 1; i < keys.size(); i++) {
            if (ring.serverFor(command.arg(keys.get(i))) != server) {
                return RouteDecision.fail("CROSSSLOT keys of " + command.name() + " map to different servers; give"
                        + " them a common hash tag (puerta.pikiwidb.hash-tag) to keep them together");
            }
        }
        return forwardTo(servers.get(server));
    }

    private RouteDecision splittable(RespCommand command, CommandSpec spec) {
        if (ring == null) {
            return ProxyCommands.noLiveServer();
        }
        List<Integer> keys = KeyPositions.of(spec, command);
        if (keys == null || keys.isEmpty()) {
            return forwardTo(live.get(0));
        }
        int[] owner = new int[keys.size()];
        boolean oneServer = true;
        for (int i = 0; i < keys.size(); i++) {
            owner[i] = ring.serverFor(command.arg(keys.get(i)));
            oneServer &= owner[i] == owner[0];
        }
        if (oneServer) {
            return forwardTo(servers.get(owner[0])); // the original bytes, unchanged
        }
        byte[] name = command.argBytes(0);
        List<SplitPart> parts = new ArrayList<>();
        List<Integer> partServers = new ArrayList<>();
        List<List<byte[]>> partArgs = new ArrayList<>();
        List<List<Integer>> partPositions = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            int part = partServers.indexOf(owner[i]);
            if (part < 0) {
                part = partServers.size();
                partServers.add(owner[i]);
                List<byte[]> args = new ArrayList<>();
                args.add(name);
                partArgs.add(args);
                partPositions.add(new ArrayList<>());
            }
            for (int j = 0; j < spec.step(); j++) {
                partArgs.get(part).add(command.argBytes(keys.get(i) + j));
            }
            partPositions.get(part).add(i);
        }
        for (int p = 0; p < partServers.size(); p++) {
            Backend server = servers.get(partServers.get(p));
            if (!settings.autoEjectHosts() && server.health() == BackendHealth.DOWN) {
                return downServer(server);
            }
            parts.add(new SplitPart(server, partArgs.get(p), partPositions.get(p)));
        }
        MergeKind merge =
                switch (command.name()) {
                    case "MGET" -> MergeKind.ARRAY_BY_POSITION;
                    case "MSET" -> MergeKind.ALL_OK;
                    default -> MergeKind.INTEGER_SUM;
                };
        return new RouteDecision.Split(parts, merge);
    }

    private RouteDecision forwardTo(Backend server) {
        if (!settings.autoEjectHosts() && server.health() == BackendHealth.DOWN) {
            return downServer(server);
        }
        return RouteDecision.forward(server);
    }

    private static RouteDecision downServer(Backend server) {
        return RouteDecision.fail("server " + server.name() + " is down (failing health checks; its keys are not"
                + " moved because puerta.pikiwidb.auto-eject-hosts is off)");
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

    /** The index of the server that owns {@code key} now, for tests and tools. */
    int serverFor(byte[] key) {
        return ring.serverFor(key);
    }

    /** Ring settings, validated. */
    record RingSettings(Distribution.Kind distribution, KeyHash hash, String hashTag, boolean autoEjectHosts) {}
}
