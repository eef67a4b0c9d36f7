package io.puerta.plugin.mongo.affinity.routing;

import io.puerta.plugin.mongo.affinity.wire.MongoWire;
import io.puerta.spi.PluginException;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.backend.BackendHealth;
import io.puerta.spi.metrics.Counter;
import io.puerta.spi.request.MongoMessage;
import io.puerta.spi.request.Request;
import io.puerta.spi.routing.ReplyAware;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.SplitPart;
import io.puerta.spi.routing.StatusAware;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt64;
import org.bson.BsonValue;

/**
 * {@code mongo-affinity}: keeps each client on one mongos. A client's identity (from the configured client
 * identifier) is kept on the mongos first chosen for it by the balancer while that mongos is healthy. Per message
 * (session-id), also: a cursor goes where it was opened (getMore, killCursors), a transaction stays where it started
 * until it ends, and the proxy answers the handshake itself.
 *
 * <p>Routing stage only, except {@link #replied}, which only touches the thread-safe {@link CursorPins}.
 */
final class AffinityRouter implements Router, ReplyAware, StatusAware {

    private static final Set<String> HANDSHAKES = Set.of("hello", "isMaster", "ismaster");
    private static final Set<String> AUTHENTICATION = Set.of("saslStart", "saslContinue", "authenticate", "logout");
    private static final Set<String> CURSOR_OPENERS =
            Set.of("find", "aggregate", "listCollections", "listIndexes", "getMore");
    private static final String[] KILL_RESULTS = {"cursorsKilled", "cursorsNotFound", "cursorsAlive", "cursorsUnknown"};

    private final List<Backend> mongos;
    private final Balancer balancer;
    private final AffinityTable affinity;
    private final CursorPins cursors;
    private final Map<String, Backend> transactions;
    private final boolean perMessage;
    private final Handshake handshake;
    private final Counter newIdentities;
    private final Map<Long, Backend> clientMongos = new HashMap<>();
    private final Map<Backend, Integer> clientCounts;

    AffinityRouter(
            List<Backend> mongos,
            String balance,
            AffinityTable affinity,
            CursorPins cursors,
            int maxTransactions,
            boolean perMessage,
            Handshake handshake,
            Counter newIdentities,
            Map<Backend, Integer> clientCounts) {
        this.mongos = List.copyOf(mongos);
        this.clientCounts = clientCounts;
        this.balancer = Balancer.named(balance, b -> clientCounts.getOrDefault(b, 0));
        this.affinity = affinity;
        this.cursors = cursors;
        this.transactions = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Backend> eldest) {
                return size() > maxTransactions;
            }
        };
        this.perMessage = perMessage;
        this.handshake = handshake;
        this.newIdentities = newIdentities;
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("mode", perMessage ? "mongo-affinity (per message)" : "mongo-affinity (per connection)");
        List<Object> servers = new ArrayList<>();
        for (Backend backend : mongos) {
            Map<String, Object> server = new LinkedHashMap<>();
            server.put("address", backend.address());
            server.put("health", backend.health().name());
            server.put("clients", clientCounts.getOrDefault(backend, 0));
            servers.add(server);
        }
        status.put("mongos", servers);
        status.put("affinityEntries", affinity.size());
        status.put("cursorPins", cursors.size());
        status.put("transactions", transactions.size());
        return status;
    }

    @Override
    public String unroutable() {
        for (Backend backend : mongos) {
            if (backend.health() != BackendHealth.DOWN) {
                return null;
            }
        }
        return "no mongos is healthy (" + mongos.size() + " configured)";
    }

    @Override
    public RouteDecision route(Request request) {
        MongoMessage message = (MongoMessage) request;
        String command = message.commandName().orElse("");
        if (perMessage) {
            if (HANDSHAKES.contains(command)) {
                return RouteDecision.respond(handshake.reply(message));
            }
            if (AUTHENTICATION.contains(command)) {
                // the runtime answers logins itself when the proxy has users (puerta.auth.users): this is reached
                // only without them, and a login must never reach the shared, proxy-authenticated mongos connections
                return RouteDecision.fail("AuthenticationFailed: the proxy has no users to log in as"
                        + " (puerta.auth.users); in the per-message (session-id) mode the proxy authenticates to the"
                        + " mongos itself (puerta.mongo.username). Connect without credentials, define users, or use a"
                        + " connection-level strategy (socket-addr, fingerprint) to authenticate end to end");
            }
            if (command.equals("getMore")) {
                return byCursor(message);
            }
            if (command.equals("killCursors")) {
                return killCursors(message);
            }
            if (message.lsid().isPresent()
                    && message.txnNumber().isPresent()
                    && message.autocommit().orElse(true) == Boolean.FALSE) {
                return inTransaction(message);
            }
        }
        return RouteDecision.forward(byIdentity(message));
    }

    /** The identity's mongos: kept while it is healthy, else (or the first time) chosen by the balancer. */
    private Backend byIdentity(MongoMessage message) {
        List<Backend> live = live();
        String identity = message.clientIdentity().orElse(null);
        Backend chosen = identity == null ? null : affinity.get(identity);
        if (chosen == null || chosen.health() == BackendHealth.DOWN) {
            chosen = balancer.pick(identity, live);
            if (identity != null) {
                affinity.put(identity, chosen);
                newIdentities.inc();
            }
        }
        long client = message.client().connectionId();
        if (!clientMongos.containsKey(client)) {
            clientMongos.put(client, chosen);
            clientCounts.merge(chosen, 1, Integer::sum);
        }
        return chosen;
    }

    private List<Backend> live() {
        List<Backend> live = new ArrayList<>(mongos.size());
        for (Backend backend : mongos) {
            if (backend.health() != BackendHealth.DOWN) {
                live.add(backend);
            }
        }
        if (live.isEmpty()) {
            throw new PluginException("HostUnreachable: no mongos is healthy (" + mongos.size()
                    + " configured, all failing their health checks)");
        }
        return live;
    }

    private RouteDecision byCursor(MongoMessage message) {
        long id = message.cursorIds().isEmpty() ? 0 : message.cursorIds().get(0);
        String identity = message.clientIdentity().orElse(null);
        Backend pinned = cursors.get(identity, id);
        if (pinned == null) {
            return RouteDecision.fail("CursorNotFound: cursor id " + id
                    + " is not known to the proxy (it ended, timed out, or was not opened through it)");
        }
        if (pinned.health() == BackendHealth.DOWN) {
            cursors.unpin(identity, id);
            return RouteDecision.fail("CursorNotFound: cursor id " + id + " lived on mongos " + pinned.address()
                    + ", which is down; run the query again");
        }
        return RouteDecision.forward(pinned);
    }

    /** killCursors goes where the cursors are; cursors on several mongos make one part per mongos. */
    private RouteDecision killCursors(MongoMessage message) {
        Map<Backend, List<Long>> byMongos = new LinkedHashMap<>();
        List<Long> unknown = new ArrayList<>();
        String identity = message.clientIdentity().orElse(null);
        for (long id : message.cursorIds()) {
            Backend pinned = cursors.get(identity, id);
            cursors.unpin(identity, id);
            if (pinned == null || pinned.health() == BackendHealth.DOWN) {
                unknown.add(id);
            } else {
                byMongos.computeIfAbsent(pinned, b -> new ArrayList<>()).add(id);
            }
        }
        if (byMongos.isEmpty()) {
            return RouteDecision.forward(byIdentity(message)); // the mongos answers cursorsNotFound
        }
        if (!unknown.isEmpty()) {
            byMongos.values().iterator().next().addAll(unknown);
        }
        if (byMongos.size() == 1) {
            return RouteDecision.forward(byMongos.keySet().iterator().next());
        }
        BsonDocument body = MongoWire.body(message.bytes());
        List<SplitPart> parts = new ArrayList<>();
        for (Map.Entry<Backend, List<Long>> entry : byMongos.entrySet()) {
            BsonArray ids = new BsonArray();
            entry.getValue().forEach(id -> ids.add(new BsonInt64(id)));
            BsonDocument part = body.clone().append("cursors", ids);
            ByteBuffer bytes = MongoWire.opMsg(message.requestId(), 0, part);
            parts.add(new SplitPart(entry.getKey(), List.of(bytes.array()), List.of()));
        }
        return RouteDecision.split(parts, AffinityRouter::mergeKillCursors);
    }

    /** One killCursors reply from the parts': their lists joined; the first failure, if any. */
    static ByteBuffer mergeKillCursors(List<ByteBuffer> replies) {
        BsonDocument merged = new BsonDocument();
        for (String field : KILL_RESULTS) {
            merged.append(field, new BsonArray());
        }
        for (ByteBuffer reply : replies) {
            BsonDocument body = MongoWire.body(reply);
            if (!body.isNumber("ok") || body.getNumber("ok").doubleValue() != 1.0) {
                return MongoWire.opMsg(0, 0, body);
            }
            for (String field : KILL_RESULTS) {
                if (body.isArray(field)) {
                    for (BsonValue id : body.getArray(field)) {
                        merged.getArray(field).add(id);
                    }
                }
            }
        }
        merged.append("ok", new BsonDouble(1.0));
        return MongoWire.opMsg(0, 0, merged);
    }

    /** A statement of a transaction: where the transaction started, from its first statement to its end. */
    private RouteDecision inTransaction(MongoMessage message) {
        String key = transactionKey(message);
        if (message.startTransaction().orElse(false)) {
            Backend chosen = byIdentity(message);
            transactions.put(key, chosen);
            return RouteDecision.forward(chosen);
        }
        Backend pinned = transactions.get(key);
        if (pinned == null) {
            return RouteDecision.forward(byIdentity(message)); // its mongos answers NoSuchTransaction if need be
        }
        if (pinned.health() == BackendHealth.DOWN) {
            transactions.remove(key);
            return RouteDecision.fail("NoSuchTransaction: the transaction ran on mongos " + pinned.address()
                    + ", which is down; start it again");
        }
        return RouteDecision.forward(pinned);
    }

    private static String transactionKey(MongoMessage message) {
        ByteBuffer lsid = message.lsid().orElseThrow();
        byte[] bytes = new byte[lsid.remaining()];
        lsid.duplicate().get(bytes);
        return HexFormat.of().formatHex(bytes) + ":" + message.txnNumber().getAsLong();
    }

    /**
     * Pins the cursors replies open; forgets those a getMore exhausted. On backend I/O threads, concurrently with
     * {@link #route}: it reads only final fields and writes only {@link CursorPins}, a concurrent map.
     */
    @Override
    public void replied(Request request, Backend backend, ByteBuffer reply) {
        if (!perMessage || !(request instanceof MongoMessage message)) {
            return;
        }
        String command = message.commandName().orElse("");
        if (!CURSOR_OPENERS.contains(command)) {
            return;
        }
        Long id = MongoWire.cursorId(reply);
        if (id == null) {
            return;
        }
        String identity = message.clientIdentity().orElse(null);
        if (id != 0) {
            cursors.pin(identity, id, backend);
        } else if (command.equals("getMore") && !message.cursorIds().isEmpty()) {
            cursors.unpin(identity, message.cursorIds().get(0));
        }
    }

    @Override
    public void clientClosed(long clientId) {
        Backend backend = clientMongos.remove(clientId);
        if (backend != null) {
            clientCounts.merge(backend, -1, Integer::sum);
        }
    }

    @Override
    public void close() {
        handshake.close();
    }
}
