package io.puerta.plugin.mongo.affinity.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.puerta.plugin.mongo.affinity.wire.MongoWire;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.backend.BackendHealth;
import io.puerta.spi.metrics.Counter;
import io.puerta.spi.request.ClientInfo;
import io.puerta.spi.request.MongoMessage;
import io.puerta.spi.routing.RouteDecision;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

/** The router's decisions, on mocked requests and backends (the SPI level); the wire is tested end to end. */
class AffinityRouterTest {

    private final Backend a = backend("10.0.0.1:27017", 1);
    private final Backend b = backend("10.0.0.2:27017", 1);
    private final Backend c = backend("10.0.0.3:27017", 2);
    private final List<Backend> all = List.of(a, b, c);
    private final AtomicLong clock = new AtomicLong();

    private static Backend backend(String address, int weight) {
        Backend backend = mock(Backend.class);
        when(backend.address()).thenReturn(address);
        when(backend.weight()).thenReturn(weight);
        when(backend.health()).thenReturn(BackendHealth.UP);
        return backend;
    }

    private AffinityRouter router(String balance, int maxEntries) {
        return new AffinityRouter(
                all,
                balance,
                new AffinityTable(maxEntries, Duration.ofMinutes(30).toNanos(), clock::get),
                new CursorPins(100, Duration.ofMinutes(10).toNanos(), clock::get),
                100,
                false,
                new Handshake(all, Duration.ofSeconds(1), 17, 30),
                mock(Counter.class),
                new ConcurrentHashMap<>());
    }

    /** A router of the per-message mode (cursor pins from replies), keeping up to {@code maxPins} cursors. */
    private AffinityRouter perMessageRouter(int maxPins) {
        return new AffinityRouter(
                all,
                "round-robin",
                new AffinityTable(10, Long.MAX_VALUE, clock::get),
                new CursorPins(maxPins, Long.MAX_VALUE, clock::get),
                100,
                true,
                new Handshake(all, Duration.ofSeconds(1), 17, 30),
                mock(Counter.class),
                new ConcurrentHashMap<>());
    }

    private static MongoMessage message(long connection, String identity) {
        ClientInfo client = mock(ClientInfo.class);
        when(client.connectionId()).thenReturn(connection);
        MongoMessage message = mock(MongoMessage.class);
        when(message.client()).thenReturn(client);
        when(message.clientIdentity()).thenReturn(Optional.ofNullable(identity));
        when(message.commandName()).thenReturn(Optional.of("find"));
        when(message.lsid()).thenReturn(Optional.empty());
        return message;
    }

    private static Backend target(RouteDecision decision) {
        return assertInstanceOf(RouteDecision.Forward.class, decision).backend();
    }

    @Test
    void oneIdentityKeepsItsMongosAcrossConnectionsAndDifferentIdentitiesAreSpread() {
        AffinityRouter router = router("round-robin", 1000);
        Backend first = target(router.route(message(1, "ip:192.0.2.1")));
        for (long connection = 2; connection < 20; connection++) {
            assertEquals(first, target(router.route(message(connection, "ip:192.0.2.1"))));
        }
        Set<Backend> used = new HashSet<>();
        for (int host = 2; host < 6; host++) {
            used.add(target(router.route(message(100 + host, "ip:192.0.2." + host))));
        }
        assertEquals(3, used.size(), "weighted round robin reaches every mongos");
    }

    @Test
    void roundRobinFollowsTheWeights() {
        AffinityRouter router = router("round-robin", 10_000);
        Map<Backend, Integer> counts = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            counts.merge(target(router.route(message(i, "client-" + i))), 1, Integer::sum);
        }
        assertEquals(100, counts.get(a));
        assertEquals(100, counts.get(b));
        assertEquals(200, counts.get(c), "weight 2, twice the clients");
    }

    @Test
    void aMongosThatGoesDownLosesItsIdentitiesToTheOthers() {
        AffinityRouter router = router("round-robin", 1000);
        Backend first = target(router.route(message(1, "app")));
        when(first.health()).thenReturn(BackendHealth.DOWN);
        Backend second = target(router.route(message(2, "app")));
        assertNotEquals(first, second);
        when(first.health()).thenReturn(BackendHealth.UP);
        assertEquals(second, target(router.route(message(3, "app"))), "and keeps its new one when the old is back");
    }

    @Test
    void leastConnectionsFillsTheEmptiestAndCountsClientsThatLeave() {
        AffinityRouter router = router("least-connections", 1000);
        Backend one = target(router.route(message(1, "x")));
        Backend two = target(router.route(message(2, "y")));
        Backend three = target(router.route(message(3, "z")));
        assertEquals(Set.of(a, b, c), Set.of(one, two, three));
        router.clientClosed(1);
        assertEquals(one, target(router.route(message(4, "w"))), "the mongos whose client left is the emptiest");
    }

    @Test
    void rendezvousHashingNeedsNoSharedStateAndMovesOnlyTheIdentitiesOfAMongosThatLeaves() {
        AffinityRouter first = router("rendezvous", 1000);
        AffinityRouter second = router("rendezvous", 1000);
        Map<String, Backend> before = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            Backend chosen = target(first.route(message(i, "client-" + i)));
            assertEquals(chosen, target(second.route(message(i, "client-" + i))), "two proxies agree");
            before.put("client-" + i, chosen);
        }
        when(a.health()).thenReturn(BackendHealth.DOWN);
        AffinityRouter third = router("rendezvous", 1000);
        for (Map.Entry<String, Backend> entry : before.entrySet()) {
            Backend now = target(third.route(message(1000, entry.getKey())));
            if (entry.getValue() != a) {
                assertEquals(entry.getValue(), now, "identities of the mongos that stayed do not move");
            } else {
                assertNotEquals(a, now);
            }
        }
    }

    @Test
    void identitiesExpireWhenIdleAndTheTableIsBounded() {
        AffinityTable table = new AffinityTable(2, 100, clock::get);
        table.put("one", a);
        table.put("two", b);
        table.put("three", c);
        assertEquals(2, table.size());
        assertEquals(null, table.get("one"), "the least recently used went first");
        clock.addAndGet(101);
        assertEquals(null, table.get("two"));
        assertEquals(0, table.size());
    }

    @Test
    void aKillCursorsOverSeveralMongosIsSplitAndItsRepliesMerged() {
        AffinityRouter router = perMessageRouter(100);
        MongoMessage find = message(1, "lsid:00");
        router.replied(find, a, cursorReply(111));
        router.replied(find, b, cursorReply(222));

        MongoMessage getMore = message(2, "lsid:00");
        when(getMore.commandName()).thenReturn(Optional.of("getMore"));
        when(getMore.cursorIds()).thenReturn(List.of(222L));
        assertEquals(b, target(router.route(getMore)), "getMore follows its cursor, not its session");

        MongoMessage kill = message(3, "lsid:00");
        when(kill.commandName()).thenReturn(Optional.of("killCursors"));
        when(kill.cursorIds()).thenReturn(List.of(111L, 222L));
        when(kill.bytes())
                .thenReturn(MongoWire.opMsg(
                        9,
                        0,
                        new BsonDocument("killCursors", new BsonString("c"))
                                .append("cursors", new BsonArray(List.of(new BsonInt64(111), new BsonInt64(222))))
                                .append("$db", new BsonString("db"))));
        RouteDecision.Split split = assertInstanceOf(RouteDecision.Split.class, router.route(kill));
        assertEquals(2, split.parts().size());
        assertEquals(
                Set.of(a, b),
                Set.of(split.parts().get(0).backend(), split.parts().get(1).backend()));
        BsonDocument firstPart =
                MongoWire.body(ByteBuffer.wrap(split.parts().get(0).args().get(0)));
        assertEquals("db", firstPart.getString("$db").getValue());
        assertEquals(1, firstPart.getArray("cursors").size());

        ByteBuffer merged = split.merger().merge(List.of(killReply(111), killReply(222)));
        BsonDocument reply = MongoWire.body(merged);
        assertEquals(
                List.of(new BsonInt64(111), new BsonInt64(222)),
                reply.getArray("cursorsKilled").getValues());
        assertEquals(1.0, reply.getNumber("ok").doubleValue());
        MongoMessage again = message(4, "lsid:00");
        when(again.commandName()).thenReturn(Optional.of("getMore"));
        when(again.cursorIds()).thenReturn(List.of(111L));
        RouteDecision.Fail unknown = assertInstanceOf(RouteDecision.Fail.class, router.route(again));
        assertTrue(unknown.message().startsWith("CursorNotFound"), unknown.message());
    }

    /**
     * The {@link io.puerta.spi.routing.ReplyAware} contract: replies are shown on backend I/O threads while the
     * routing stage routes. Four threads pin cursors while this one routes getMores for cursors already pinned;
     * every getMore follows its own cursor, during the race and after it.
     */
    @Test
    void cursorsPinnedFromIoThreadsWhileRoutingAreAllFollowed() throws Exception {
        AffinityRouter router = perMessageRouter(100_000);
        MongoMessage find = message(1, "lsid:00");
        MongoMessage getMore = message(2, "lsid:00");
        when(getMore.commandName()).thenReturn(Optional.of("getMore"));
        java.util.concurrent.ConcurrentLinkedQueue<Long> pinned = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.ExecutorService ioThreads = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> work = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long base = (t + 1) * 1_000_000L;
                work.add(ioThreads.submit(() -> {
                    for (long id = base; id < base + 2_000; id++) {
                        router.replied(find, all.get((int) (id % 3)), cursorReply(id));
                        pinned.add(id);
                    }
                }));
            }
            while (work.stream().anyMatch(f -> !f.isDone())) {
                Long id = pinned.peek();
                if (id != null) {
                    when(getMore.cursorIds()).thenReturn(List.of(id));
                    assertEquals(all.get((int) (id % 3)), target(router.route(getMore)), "cursor " + id);
                }
            }
            for (java.util.concurrent.Future<?> done : work) {
                done.get();
            }
            assertEquals(8_000, pinned.size());
            for (long id : pinned) {
                when(getMore.cursorIds()).thenReturn(List.of(id));
                assertEquals(all.get((int) (id % 3)), target(router.route(getMore)), "cursor " + id);
            }
        } finally {
            ioThreads.shutdownNow();
        }
    }

    private static ByteBuffer cursorReply(long id) {
        return MongoWire.opMsg(
                1,
                1,
                new BsonDocument(
                                "cursor",
                                new BsonDocument("id", new BsonInt64(id)).append("firstBatch", new BsonArray()))
                        .append("ok", new BsonDouble(1.0)));
    }

    private static ByteBuffer killReply(long id) {
        return MongoWire.opMsg(
                1,
                1,
                new BsonDocument("cursorsKilled", new BsonArray(List.of(new BsonInt64(id))))
                        .append("cursorsNotFound", new BsonArray())
                        .append("ok", new BsonDouble(1.0)));
    }

    @Test
    void noHealthyMongosIsAClearError() {
        AffinityRouter router = router("round-robin", 10);
        for (Backend backend : all) {
            when(backend.health()).thenReturn(BackendHealth.DOWN);
        }
        Exception error = org.junit.jupiter.api.Assertions.assertThrows(
                io.puerta.spi.PluginException.class, () -> router.route(message(1, "app")));
        assertTrue(error.getMessage().startsWith("HostUnreachable: no mongos is healthy"), error.getMessage());
    }
}
