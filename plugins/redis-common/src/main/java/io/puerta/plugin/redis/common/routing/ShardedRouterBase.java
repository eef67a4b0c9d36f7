package io.puerta.plugin.redis.common.routing;

import io.puerta.plugin.redis.common.command.CommandLearner;
import io.puerta.plugin.redis.common.command.CommandSpec;
import io.puerta.plugin.redis.common.command.CommandTable;
import io.puerta.plugin.redis.common.command.KeyPositions;
import io.puerta.plugin.redis.common.command.LearnedCommand;
import io.puerta.plugin.redis.common.resp.RespBuilder;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.request.Request;
import io.puerta.spi.request.RespCommand;
import io.puerta.spi.routing.CommandDescriber;
import io.puerta.spi.routing.CommandDescription;
import io.puerta.spi.routing.ConnectionUse;
import io.puerta.spi.routing.MergeKind;
import io.puerta.spi.routing.Prelude;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.SplitPart;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What every router that shards keys over Redis-protocol servers does the same way: find a command's keys, send a
 * one-server command to its owner, split multi-key commands per owner and merge the replies, refuse keys that must
 * stay together but do not, let {@link ProxyCommands} answer for the whole data set, run blocking commands on the
 * client's own connection, keep transactions ({@link Transactions}) and subscribers on one server. Subclasses say
 * who owns a key, and may ask for a prelude (moving keys to their owner first) or send reads to replicas.
 */
public abstract class ShardedRouterBase implements Router, CommandDescriber {

    private final ProxyCommands proxyCommands;
    private final String mode;
    private final Transactions transactions;
    // volatile: describe() reads it on client I/O threads
    private volatile CommandTable commands = CommandTable.builtin();

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
        this.transactions = new Transactions(new Transactions.Placement() {
            @Override
            public Transactions.Placed place(RespCommand command, CommandSpec spec) {
                return placement(command, spec);
            }

            @Override
            public Backend anyServer() {
                List<Backend> live = liveServers();
                return live.isEmpty() ? null : live.get(0);
            }

            @Override
            public RouteDecision crossSlot(String command) {
                return ShardedRouterBase.this.crossSlot(command);
            }

            @Override
            public RouteDecision noOwner() {
                return ShardedRouterBase.this.noOwner();
            }
        });
    }

    /** Routes by {@code table} from now on (a table learned from the servers' COMMAND reply). */
    protected final void useCommands(CommandTable table) {
        this.commands = table;
    }

    /**
     * Asks the servers for their {@code COMMAND} table on a thread of its own and, once one answers, describes
     * commands by it ({@link CommandTable#learnTraits}): categories and flags, routing unchanged. Until then, and
     * when none answers, the built-in table describes them.
     */
    public final void learnTraitsSoon(List<Backend> servers, java.time.Duration timeout) {
        List<Backend> copy = List.copyOf(servers);
        Thread learner = new Thread(
                () -> {
                    List<LearnedCommand> learned = CommandLearner.ask(copy, timeout);
                    if (learned != null) {
                        commands = commands.learnTraits(learned);
                    }
                },
                "puerta-command-learner");
        learner.setDaemon(true);
        learner.start();
    }

    /** What a command is, for users' rights: from the (immutable) command table, on any thread. */
    @Override
    public final CommandDescription describe(RespCommand command) {
        return commands.describe(command);
    }

    protected final CommandTable commands() {
        return commands;
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

    /** Whether {@link #preludeFor} may answer anything but null now: when not, a one-key command skips it. */
    protected boolean mayNeedPrelude() {
        return false;
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

    /**
     * Where a read-only command for {@code owner}'s keys goes: the owner (the default), or one of its replicas.
     *
     * @param key the command's first key
     */
    protected Backend readFrom(Backend owner, byte[] key) {
        return owner;
    }

    /**
     * The server for publish/subscribe on {@code channel}. By default the first of {@link #allServers}: standalone
     * servers do not share messages, so publishers and subscribers must all meet on one. A cluster shares them and
     * may spread the channels.
     *
     * @param sharded for SSUBSCRIBE and SPUBLISH, whose channels live in a slot like keys
     */
    protected Backend pubSubServer(byte[] channel, boolean sharded) {
        List<Backend> all = allServers();
        return all.isEmpty() ? null : all.get(0);
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
        CommandSpec spec = commands.get(name);
        long client = command.client().connectionId();
        if (transactions.queuing(client)) {
            return transactions.queue(client, command, spec);
        }
        if (spec == null) {
            return RouteDecision.fail("unknown command '" + name + "' (not supported through the " + mode + " proxy)");
        }
        return switch (spec.kind()) {
            case PROXY -> proxyCommands.route(command);
            case REFUSED -> RouteDecision.fail(
                    name + " is not supported through the " + mode + " proxy: " + spec.reason());
            case KEYED, NUMKEYS -> name.equals("MEMORY")
                            && !ProxyCommands.subcommand(command).equals("USAGE")
                    ? RouteDecision.fail("MEMORY " + (command.argCount() > 1 ? command.argString(1) : "")
                            + " is not supported through the " + mode + " proxy: it acts on one server; MEMORY USAGE"
                            + " key is routed to the key's server")
                    : keyed(command, spec);
            case SPLITTABLE -> splittable(command, spec);
            case TRANSACTION -> transactions.control(command, spec);
            case PUBSUB -> pubSub(command);
        };
    }

    @Override
    public void clientClosed(long clientId) {
        transactions.forget(clientId);
    }

    /**
     * The owner and group shared by all the command's keys; a failure when they have none or differ; null when the
     * arguments do not fit the command (the server will say so).
     */
    private Transactions.Placed placement(RespCommand command, CommandSpec spec) {
        List<Integer> keys = KeyPositions.of(spec, command);
        if (keys == null || keys.isEmpty()) {
            return null;
        }
        Backend owner = null;
        Object group = null;
        for (int index : keys) {
            byte[] key = command.argBytes(index);
            Backend keyOwner = ownerOf(key);
            if (keyOwner == null) {
                return new Transactions.Placed(null, null, noOwner());
            }
            Object keyGroup = groupOf(key, keyOwner);
            if (group != null && !group.equals(keyGroup)) {
                return new Transactions.Placed(null, null, crossSlot(command.name()));
            }
            owner = keyOwner;
            group = keyGroup;
        }
        return new Transactions.Placed(owner, group, null);
    }

    /**
     * Whether the servers themselves refuse a SORT whose BY or GET patterns may name keys of other servers (Redis
     * Cluster does, by slot); where they do not, the router must, or the lookups would silently find nothing.
     */
    protected boolean serversCheckSortPatterns() {
        return false;
    }

    private RouteDecision keyed(RespCommand command, CommandSpec spec) {
        if (command.name().startsWith("SORT") && !serversCheckSortPatterns()) {
            List<String> patterns = KeyPositions.sortPatterns(command);
            if (!patterns.isEmpty()) {
                return RouteDecision.fail(command.name() + " with BY or GET pattern '" + patterns.get(0) + "' is not"
                        + " supported through the " + mode + " proxy: the keys a pattern names may live on other"
                        + " servers than the sorted key");
            }
        }
        List<Integer> keys = KeyPositions.of(spec, command);
        if (keys == null || keys.isEmpty()) {
            // malformed: let a server answer with its own arity or syntax error
            List<Backend> live = liveServers();
            return live.isEmpty() ? noOwner() : RouteDecision.forward(live.get(0));
        }
        boolean together = keys.size() > 1; // one key needs no group check, nor a list of keys
        List<byte[]> keyBytes = together ? new ArrayList<>(keys.size()) : null;
        byte[] firstKey = null;
        Backend owner = null;
        Object group = null;
        for (int index : keys) {
            byte[] key = command.argBytes(index);
            Backend keyOwner = ownerOf(key);
            if (keyOwner == null) {
                return noOwner();
            }
            Object keyGroup = together ? groupOf(key, keyOwner) : null;
            if (group != null && !group.equals(keyGroup)) {
                return crossSlot(command.name());
            }
            owner = keyOwner;
            group = keyGroup;
            if (firstKey == null) {
                firstKey = key;
            }
            if (keyBytes != null) {
                keyBytes.add(key);
            }
        }
        Prelude prelude = keyBytes != null
                ? preludeFor(owner, keyBytes)
                : mayNeedPrelude() ? preludeFor(owner, List.of(firstKey)) : null;
        boolean waits = spec.blocking()
                && (spec.firstKey() != KeyPositions.AFTER_STREAMS || KeyPositions.hasToken(command, "BLOCK"));
        if (waits || owner.equals(transactions.watchedServer(command.client().connectionId()))) {
            // on the client's own connection: a wait delays nobody else, and commands stay in order with WATCH
            RouteDecision shared = forwardTo(owner, prelude);
            return shared instanceof RouteDecision.Forward forward
                    ? new RouteDecision.Forward(forward.backend(), forward.prelude(), ConnectionUse.DEDICATED)
                    : shared;
        }
        if (spec.readOnly() && prelude == null) {
            owner = readFrom(owner, firstKey);
        }
        return forwardTo(owner, prelude);
    }

    private RouteDecision pubSub(RespCommand command) {
        String name = command.name();
        // shard channels live in a slot like keys (SUBSCRIBE starts with an S too, but its channels are everywhere)
        boolean sharded = name.equals("SSUBSCRIBE") || name.equals("SUNSUBSCRIBE") || name.equals("SPUBLISH");
        int argc = command.argCount();
        switch (name) {
            case "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE" -> {
                if (argc < 2) {
                    return RouteDecision.fail(
                            "wrong number of arguments for '" + name.toLowerCase(Locale.ROOT) + "' command");
                }
                byte[] channel = command.argBytes(1);
                if (sharded) {
                    Object group = groupOf(channel, ownerOf(channel));
                    for (int i = 2; i < argc; i++) {
                        byte[] other = command.argBytes(i);
                        if (!java.util.Objects.equals(group, groupOf(other, ownerOf(other)))) {
                            return crossSlot(name);
                        }
                    }
                }
                Backend server = pubSubServer(channel, sharded);
                return server == null ? noOwner() : RouteDecision.subscribe(server);
            }
            case "PUBLISH", "SPUBLISH" -> {
                if (argc != 3) {
                    return RouteDecision.fail(
                            "wrong number of arguments for '" + name.toLowerCase(Locale.ROOT) + "' command");
                }
                Backend server = pubSubServer(command.argBytes(1), sharded);
                return server == null ? noOwner() : RouteDecision.forward(server);
            }
            default -> {
                // (P|S)UNSUBSCRIBE from a client that subscribed to nothing: the server's answer, given here
                String kind = name.toLowerCase(Locale.ROOT);
                int resp = command.respVersion();
                RespBuilder reply = new RespBuilder();
                if (argc == 1) {
                    reply.pushHeader(3, resp).bulkString(kind).nullValue(resp).integerValue(0);
                }
                for (int i = 1; i < argc; i++) {
                    reply.pushHeader(3, resp)
                            .bulkString(kind)
                            .bulkString(command.argBytes(i))
                            .integerValue(0);
                }
                return RouteDecision.respond(reply.build());
            }
        }
    }

    private static byte[] firstKeyOf(int part, int[] partOfKey, byte[][] keyBytes) {
        for (int i = 0; i < partOfKey.length; i++) {
            if (partOfKey[i] == part) {
                return keyBytes[i];
            }
        }
        throw new IllegalStateException("part " + part + " has no key");
    }

    private static int indexOf(Object[] groups, int count, Object group) {
        for (int i = 0; i < count; i++) {
            if (java.util.Objects.equals(groups[i], group)) {
                return i;
            }
        }
        return -1;
    }

    private RouteDecision splittable(RespCommand command, CommandSpec spec) {
        List<Integer> keys = KeyPositions.of(spec, command);
        if (keys == null || keys.isEmpty()) {
            List<Backend> live = liveServers();
            return live.isEmpty() ? noOwner() : RouteDecision.forward(live.get(0));
        }
        // One part per group: per server, or per slot where the servers refuse multi-slot commands (a cluster).
        // First each key's part, then each part's arguments, each list made once and whole (a record copies what is
        // not an immutable list already). Arrays sized for a part per key, not growing lists of boxed sizes: this
        // runs for every MSET and MGET.
        int keyCount = keys.size();
        int[] partOfKey = new int[keyCount];
        byte[][] keyBytes = new byte[keyCount][];
        Object[] partGroups = new Object[keyCount];
        Backend[] partServers = new Backend[keyCount];
        int[] partSizes = new int[keyCount];
        int partCount = 0;
        for (int i = 0; i < keyCount; i++) {
            byte[] key = command.argBytes(keys.get(i));
            Backend owner = ownerOf(key);
            if (owner == null) {
                return noOwner();
            }
            Object group = groupOf(key, owner);
            int part = indexOf(partGroups, partCount, group);
            if (part < 0) {
                part = partCount++;
                partGroups[part] = group;
                partServers[part] = owner;
            }
            partOfKey[i] = part;
            keyBytes[i] = key;
            partSizes[part]++;
        }
        if (spec.readOnly()) {
            for (int p = 0; p < partCount; p++) {
                partServers[p] = readFrom(partServers[p], firstKeyOf(p, partOfKey, keyBytes));
            }
        }
        if (partCount == 1) {
            // one server: the original bytes, unchanged
            return forwardTo(partServers[0], mayNeedPrelude() ? preludeFor(partServers[0], List.of(keyBytes)) : null);
        }
        int step = spec.step();
        MergeKind merge =
                switch (command.name()) {
                    case "MGET" -> MergeKind.ARRAY_BY_POSITION;
                    case "MSET" -> MergeKind.ALL_OK;
                    default -> MergeKind.INTEGER_SUM;
                };
        // only an array reply is merged by position, and only a slot migration needs a part's keys again
        boolean positioned = merge == MergeKind.ARRAY_BY_POSITION;
        boolean preludes = mayNeedPrelude();
        byte[][][] partArgs = new byte[partCount][][];
        byte[][][] partKeys = preludes ? new byte[partCount][][] : null;
        Integer[][] partPositions = positioned ? new Integer[partCount][] : null;
        int[] filled = new int[partCount];
        byte[] name = command.argBytes(0);
        for (int p = 0; p < partCount; p++) {
            int size = partSizes[p];
            partArgs[p] = new byte[1 + size * step][];
            partArgs[p][0] = name;
            if (preludes) {
                partKeys[p] = new byte[size][];
            }
            if (positioned) {
                partPositions[p] = new Integer[size];
            }
        }
        for (int i = 0; i < keyCount; i++) {
            int p = partOfKey[i];
            int n = filled[p]++;
            partArgs[p][1 + n * step] = keyBytes[i];
            for (int j = 1; j < step; j++) {
                partArgs[p][1 + n * step + j] = command.argBytes(keys.get(i) + j);
            }
            if (preludes) {
                partKeys[p][n] = keyBytes[i];
            }
            if (positioned) {
                partPositions[p][n] = i;
            }
        }
        List<SplitPart> parts = new ArrayList<>(partCount);
        for (int p = 0; p < partCount; p++) {
            RouteDecision check = forwardTo(partServers[p], null);
            if (check instanceof RouteDecision.Fail) {
                return check;
            }
            Backend server = partServers[p];
            parts.add(new SplitPart(
                    server,
                    List.of(partArgs[p]),
                    positioned ? List.of(partPositions[p]) : List.of(),
                    preludes ? preludeFor(server, List.of(partKeys[p])) : null));
        }
        return new RouteDecision.Split(parts, merge);
    }
}
