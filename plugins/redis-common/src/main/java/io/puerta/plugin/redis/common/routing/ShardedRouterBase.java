package io.puerta.plugin.redis.common.routing;

import io.puerta.plugin.redis.common.command.CommandSpec;
import io.puerta.plugin.redis.common.command.CommandTable;
import io.puerta.plugin.redis.common.command.KeyPositions;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.request.Request;
import io.puerta.spi.request.RespCommand;
import io.puerta.spi.routing.MergeKind;
import io.puerta.spi.routing.Prelude;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.SplitPart;
import java.util.ArrayList;
import java.util.List;

/**
 * What every router that shards keys over standalone servers does the same way: find a command's keys, send a
 * one-server command to its owner, split multi-key commands per owner and merge the replies, refuse keys that must
 * stay together but do not, and let {@link ProxyCommands} answer for the whole data set. Subclasses say who owns a
 * key, and may ask for a prelude (moving keys to their owner first).
 */
public abstract class ShardedRouterBase implements Router {

    private final ProxyCommands proxyCommands;
    private final String mode;

    /**
     * @param routerName the factory name, shown by INFO
     * @param mode the mode's name in error messages ("pikiwidb", "redis-cluster")
     */
    protected ShardedRouterBase(String routerName, String mode) {
        this.mode = mode;
        this.proxyCommands = new ProxyCommands(routerName, new ServerSet() {
            @Override
            public List<Backend> all() {
                return allServers();
            }

            @Override
            public List<Backend> live() {
                return liveServers();
            }
        });
    }

    /** The owner of a key now, or null when no server can take it (the router's state says why in {@link #noOwner}). */
    protected abstract Backend ownerOf(byte[] key);

    /** Every server that holds data, in a stable order. */
    protected abstract List<Backend> allServers();

    /** The servers that serve requests now. */
    protected abstract List<Backend> liveServers();

    /** Called before each request, to let the router catch up with health or migration progress. */
    protected void beforeRoute() {}

    /** A command to run before keys are served at {@code owner}, e.g. moving them there; null for none. */
    protected Prelude preludeFor(Backend owner, List<byte[]> keys) {
        return null;
    }

    /**
     * What keys of one command must share: by default their server; Redis Cluster requires one slot. Keys with
     * different groups get {@link #crossSlot}.
     */
    protected Object groupOf(byte[] key, Backend owner) {
        return owner;
    }

    /** The error for keys that must stay together but do not. */
    protected RouteDecision crossSlot(String command) {
        return RouteDecision.fail("CROSSSLOT keys of " + command + " map to different servers; give them a common"
                + " hash tag to keep them together");
    }

    /** The reply when {@link #ownerOf} found no server. */
    protected RouteDecision noOwner() {
        return ProxyCommands.noLiveServer();
    }

    /** The decision for a request bound to {@code server}; a router may refuse a server it knows is down. */
    protected RouteDecision forwardTo(Backend server, Prelude prelude) {
        return prelude == null ? RouteDecision.forward(server) : RouteDecision.forward(server, prelude);
    }

    @Override
    public final RouteDecision route(Request request) {
        RespCommand command = (RespCommand) request;
        beforeRoute();
        String name = command.name();
        CommandSpec spec = CommandTable.lookup(name);
        if (spec == null) {
            return RouteDecision.fail("unknown command '" + name + "' (not supported through the " + mode + " proxy)");
        }
        return switch (spec.kind()) {
            case PROXY -> proxyCommands.route(command);
            case REFUSED -> RouteDecision.fail(
                    name + " is not supported through the " + mode + " proxy: " + spec.reason());
            case KEYED, NUMKEYS -> keyed(command, spec);
            case SPLITTABLE -> splittable(command, spec);
        };
    }

    private RouteDecision keyed(RespCommand command, CommandSpec spec) {
        List<Integer> keys = KeyPositions.of(spec, command);
        if (keys == null || keys.isEmpty()) {
            // malformed: let a server answer with its own arity or syntax error
            List<Backend> live = liveServers();
            return live.isEmpty() ? noOwner() : RouteDecision.forward(live.get(0));
        }
        List<byte[]> keyBytes = new ArrayList<>(keys.size());
        Backend owner = null;
        Object group = null;
        for (int index : keys) {
            byte[] key = command.argBytes(index);
            Backend keyOwner = ownerOf(key);
            if (keyOwner == null) {
                return noOwner();
            }
            Object keyGroup = groupOf(key, keyOwner);
            if (group != null && !group.equals(keyGroup)) {
                return crossSlot(command.name());
            }
            owner = keyOwner;
            group = keyGroup;
            keyBytes.add(key);
        }
        return forwardTo(owner, preludeFor(owner, keyBytes));
    }

    private RouteDecision splittable(RespCommand command, CommandSpec spec) {
        List<Integer> keys = KeyPositions.of(spec, command);
        if (keys == null || keys.isEmpty()) {
            List<Backend> live = liveServers();
            return live.isEmpty() ? noOwner() : RouteDecision.forward(live.get(0));
        }
        // One part per group: per server, or per slot where the servers refuse multi-slot commands (a cluster).
        List<Object> partGroups = new ArrayList<>();
        List<Backend> partServers = new ArrayList<>();
        List<List<byte[]>> partArgs = new ArrayList<>();
        List<List<byte[]>> partKeys = new ArrayList<>();
        List<List<Integer>> partPositions = new ArrayList<>();
        byte[] name = command.argBytes(0);
        for (int i = 0; i < keys.size(); i++) {
            byte[] key = command.argBytes(keys.get(i));
            Backend owner = ownerOf(key);
            if (owner == null) {
                return noOwner();
            }
            Object group = groupOf(key, owner);
            int part = partGroups.indexOf(group);
            if (part < 0) {
                part = partGroups.size();
                partGroups.add(group);
                partServers.add(owner);
                List<byte[]> args = new ArrayList<>();
                args.add(name);
                partArgs.add(args);
                partKeys.add(new ArrayList<>());
                partPositions.add(new ArrayList<>());
            }
            for (int j = 0; j < spec.step(); j++) {
                partArgs.get(part).add(command.argBytes(keys.get(i) + j));
            }
            partKeys.get(part).add(key);
            partPositions.get(part).add(i);
        }
        if (partServers.size() == 1) {
            // one server: the original bytes, unchanged
            return forwardTo(partServers.get(0), preludeFor(partServers.get(0), partKeys.get(0)));
        }
        List<SplitPart> parts = new ArrayList<>();
        for (int p = 0; p < partServers.size(); p++) {
            RouteDecision check = forwardTo(partServers.get(p), null);
            if (check instanceof RouteDecision.Fail) {
                return check;
            }
            Backend server = partServers.get(p);
            parts.add(
                    new SplitPart(server, partArgs.get(p), partPositions.get(p), preludeFor(server, partKeys.get(p))));
        }
        MergeKind merge =
                switch (command.name()) {
                    case "MGET" -> MergeKind.ARRAY_BY_POSITION;
                    case "MSET" -> MergeKind.ALL_OK;
                    default -> MergeKind.INTEGER_SUM;
                };
        return new RouteDecision.Split(parts, merge);
    }
}
