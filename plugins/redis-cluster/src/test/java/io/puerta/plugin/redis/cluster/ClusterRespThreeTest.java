package io.puerta.plugin.redis.cluster;

import static io.puerta.plugin.redis.cluster.testing.RedisCluster.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.plugin.redis.cluster.testing.RedisCluster;
import io.puerta.runtime.testing.RespConnection;
import io.puerta.runtime.testing.RespConnection.Reply;
import io.puerta.runtime.testing.TestProxy;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RESP3 and the commands about a client's own connection, through Puerta in front of a real Redis Cluster: every
 * reply keeps the type the server gave it, replies Puerta builds are in the client's protocol, and pub/sub messages
 * arrive as pushes.
 */
class ClusterRespThreeTest {

    private static RedisCluster cluster;
    private static TestProxy proxy;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start(3, 0);
        proxy = TestProxy.start("router = redis-cluster\n" + cluster.seeds(), null);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void flush() {
        cluster.flushMasters();
    }

    @Test
    void helloThreeGivesEveryReplyItsRespThreeType() {
        try (RespConnection client = new RespConnection(proxy.port())) {
            Reply hello = client.call("HELLO", "3");
            assertEquals('%', hello.type(), hello.toString());
            assertTrue(hello.toString().contains("$proto,:3"), hello.toString());

            client.call("HSET", "h", "f1", "v1", "f2", "v2");
            assertEquals("%[$f1,$v1,$f2,$v2]", client.call("HGETALL", "h").toString());
            client.call("ZADD", "z", "1.5", "m");
            assertEquals(",1.5", client.call("ZSCORE", "z", "m").toString());
            client.call("SADD", "s", "x");
            assertEquals("~[$x]", client.call("SMEMBERS", "s").toString());
            assertEquals("_nil", client.call("GET", "missing").toString());
            assertEquals('%', client.call("CONFIG", "GET", "maxmemory").type());

            // merged by the proxy over three masters: the elements keep their RESP3 nulls
            client.call("SET", "a", "1");
            client.call("SET", "c", "3");
            assertEquals("*[$1,_nil,$3]", client.call("MGET", "a", "b", "c").toString());
            Reply info = client.call("INFO", "keyspace");
            assertEquals('=', info.type(), info.toString());
            assertTrue(info.text().contains("db0:keys=5,"), info.text()); // h, s, z, a, c: summed over the masters
            assertEquals(":5", client.call("DBSIZE").toString());

            // back to RESP2 on the same connection
            assertEquals('*', client.call("HELLO", "2").type());
            assertEquals("*[$f1,$v1,$f2,$v2]", client.call("HGETALL", "h").toString());
            assertEquals("$1.5", client.call("ZSCORE", "z", "m").toString());
            assertEquals("$nil", client.call("GET", "missing").toString());
        }
    }

    @Test
    void anUnknownProtocolVersionIsRefusedAndTheClientKeepsItsOwn() {
        try (RespConnection client = new RespConnection(proxy.port())) {
            assertTrue(client.call("HELLO", "4").text().startsWith("NOPROTO"));
            client.call("HSET", "h", "f", "v");
            assertEquals("*[$f,$v]", client.call("HGETALL", "h").toString());
        }
    }

    @Test
    void pubSubMessagesArriveAsPushesOnChannelsOfEverySlot() {
        try (RespConnection subscriber = new RespConnection(proxy.port());
                RespConnection publisher = new RespConnection(proxy.port())) {
            subscriber.call("HELLO", "3");
            // c1 and c2 hash to different slots: Redis Cluster takes them in one SUBSCRIBE, so must Puerta
            subscriber.send("SUBSCRIBE", "c1", "c2");
            assertEquals(">[$subscribe,$c1,:1]", subscriber.read().toString());
            assertEquals(">[$subscribe,$c2,:2]", subscriber.read().toString());
            // a cluster node counts its own subscribers only, so the count may be 0: the message still arrives
            publisher.call("PUBLISH", "c2", "hi");
            assertEquals(">[$message,$c2,$hi]", subscriber.read().toString());
        }
    }

    @Test
    void clientCommandsAnswerForTheProxysOwnClients() {
        try (RespConnection me = new RespConnection(proxy.port());
                RespConnection other = new RespConnection(proxy.port())) {
            me.call("HELLO", "3", "SETNAME", "me");
            assertEquals("$me", me.call("CLIENT", "GETNAME").toString());
            assertEquals("+OK", other.call("CLIENT", "SETNAME", "other").toString());
            assertEquals(
                    "+OK", other.call("CLIENT", "SETINFO", "LIB-NAME", "tester").toString());
            String myInfo = me.call("CLIENT", "INFO").text();
            assertTrue(myInfo.contains(" name=me ") && myInfo.contains(" resp=3"), myInfo);
            long otherId = Long.parseLong(other.call("CLIENT", "ID").text());

            Reply list = me.call("CLIENT", "LIST");
            assertEquals('=', list.type());
            assertTrue(list.text().contains("id=" + otherId + " "), list.text());
            assertTrue(list.text().contains(" name=other ") && list.text().contains(" lib-name=tester"), list.text());
            for (String line : list.text().split("\n")) {
                // both clients ran a command a moment ago: idle, in seconds, is 0 (the read time of their latest)
                assertTrue(line.contains(" idle=0 "), line);
            }
            assertTrue(me.call("CLIENT", "TRACKING", "on").isError());

            assertEquals(
                    ":1",
                    me.call("CLIENT", "KILL", "ID", Long.toString(otherId)).toString());
            assertTrue(other.closedByServer(), "the killed client is disconnected");
            assertEquals(
                    ":0",
                    me.call("CLIENT", "KILL", "ID", Long.toString(otherId)).toString());
        }
    }

    @Test
    void clientReplyOffAndSkipSilenceRepliesUntilOn() {
        try (RespConnection client = new RespConnection(proxy.port())) {
            client.send("CLIENT", "REPLY", "OFF");
            client.send("SET", "k", "1");
            client.send("INCR", "k");
            assertEquals("+OK", client.call("CLIENT", "REPLY", "ON").toString(), "nothing before ON's own reply");
            assertEquals("$2", client.call("GET", "k").toString());
            client.send("CLIENT", "REPLY", "SKIP");
            client.send("INCR", "k"); // skipped
            assertEquals(":4", client.call("INCR", "k").toString());
        }
    }

    @Test
    void selectServesDatabaseZeroOnlyAndResetStartsAfresh() {
        try (RespConnection client = new RespConnection(proxy.port())) {
            assertEquals("+OK", client.call("SELECT", "0").toString());
            Reply refused = client.call("SELECT", "1");
            assertTrue(refused.text().startsWith("ERR SELECT is not allowed in cluster mode"), refused.text());
            client.call("HELLO", "3", "SETNAME", "before");
            client.call("HSET", "h", "f", "v");
            assertEquals("+RESET", client.call("RESET").toString());
            assertEquals("*[$f,$v]", client.call("HGETALL", "h").toString(), "RESP2 again");
            assertNull(client.call("CLIENT", "GETNAME").value(), "no name");
            // a transaction being queued is dropped
            client.call("MULTI");
            assertEquals("+QUEUED", client.call("SET", "t", "1").toString());
            assertEquals("+RESET", client.call("RESET").toString());
            assertEquals("$nil", client.call("GET", "t").toString(), "not queued, and never run");
            assertTrue(client.call("EXEC").text().contains("EXEC without MULTI"));
        }
    }

    @Test
    void blockingPopsOfARespThreeClientWaitOnItsOwnRespThreeConnection() {
        try (RespConnection waiter = new RespConnection(proxy.port());
                RespConnection pusher = new RespConnection(proxy.port())) {
            waiter.call("HELLO", "3");
            waiter.send("BLPOP", "queue", "5");
            io.puerta.runtime.testing.Await.until("the pop waits at the server", () -> cluster.masters().stream()
                    .map(master -> new String(
                            (byte[]) call(master, "INFO", "clients"), java.nio.charset.StandardCharsets.UTF_8))
                    .anyMatch(info -> info.contains("blocked_clients:1")));
            pusher.call("RPUSH", "queue", "job");
            assertEquals("*[$queue,$job]", waiter.read().toString());
            waiter.call("ZADD", "z", "2", "m");
            waiter.send("BZPOPMIN", "z", "1");
            assertEquals("*[$z,$m,,2]", waiter.read().toString(), "the score is a RESP3 double");
        }
    }

    @Test
    void aSubscriberThatUnsubscribesFromEverythingIsRoutedAsAnyoneAgain() {
        for (String protocol : new String[] {"2", "3"}) {
            try (RespConnection client = new RespConnection(proxy.port());
                    RespConnection publisher = new RespConnection(proxy.port())) {
                client.call("HELLO", protocol);
                client.send("SUBSCRIBE", "c1", "c2");
                client.read();
                client.read();
                client.send("PSUBSCRIBE", "p*");
                assertTrue(client.read().toString().contains("$psubscribe,$p*,:3"));
                client.send("UNSUBSCRIBE"); // both channels, the pattern stays
                client.read();
                assertTrue(client.read().toString().contains("$unsubscribe,"));
                publisher.call("PUBLISH", "p1", "still");
                assertTrue(client.read().toString().contains("$pmessage,$p*,$p1,$still"));
                // the last one: pipelined with commands for keys of every master, which must be routed again
                client.send("PUNSUBSCRIBE");
                for (int i = 0; i < 20; i++) {
                    client.send("SET", "key:" + i, protocol + ":" + i);
                }
                client.send("GET", "key:7");
                assertTrue(client.read().toString().contains("$punsubscribe,$p*,:0"));
                for (int i = 0; i < 20; i++) {
                    assertEquals("+OK", client.read().toString(), "SET key:" + i);
                }
                assertEquals("$" + protocol + ":7", client.read().toString());
                publisher.call("PUBLISH", "c1", "gone");
                assertNull(client.readWithin(300), "no message after the unsubscribe");
                // and it may subscribe again
                client.send("SUBSCRIBE", "c3");
                assertTrue(client.read().toString().contains("$subscribe,$c3,:1"));
                publisher.call("PUBLISH", "c3", "again");
                assertTrue(client.read().toString().contains("$message,$c3,$again"));
            }
        }
    }

    @Test
    void aSubscriberThatResetsIsAnOrdinaryRespTwoClientAgain() {
        try (RespConnection client = new RespConnection(proxy.port())) {
            client.call("HELLO", "3");
            client.send("SUBSCRIBE", "c1");
            client.read();
            client.send("RESET");
            assertEquals("+RESET", client.read().toString());
            client.call("HSET", "h", "f", "v");
            assertEquals("*[$f,$v]", client.call("HGETALL", "h").toString());
        }
    }

    @Test
    void aRespThreeSubscriberSendsOtherCommandsOnTheSameConnection() {
        try (RespConnection client = new RespConnection(proxy.port());
                RespConnection publisher = new RespConnection(proxy.port())) {
            client.call("HELLO", "3");
            client.send("SUBSCRIBE", "c1");
            assertEquals(">[$subscribe,$c1,:1]", client.read().toString());
            // keys of every master, answered in order; the message arrives as a push between them
            for (int i = 0; i < 10; i++) {
                assertEquals("+OK", client.call("SET", "k" + i, "v" + i).toString());
            }
            publisher.call("PUBLISH", "c1", "news");
            List<String> seen = new java.util.ArrayList<>();
            client.send("GET", "k3");
            seen.add(client.read().toString());
            if (seen.get(0).startsWith(">")) {
                seen.add(client.read().toString());
            }
            assertTrue(seen.contains(">[$message,$c1,$news]") && seen.contains("$v3"), seen.toString());
            assertEquals("+PONG", client.call("PING").toString());
            Reply blocking = client.call("BLPOP", "q", "1");
            assertTrue(blocking.text().contains("this connection is subscribed"), blocking.text());
            assertEquals("+OK", client.call("CLIENT", "SETNAME", "me").toString());
            assertEquals("$me", client.call("CLIENT", "GETNAME").toString(), "answered by Puerta, not the server");
            client.send("UNSUBSCRIBE");
            assertEquals(">[$unsubscribe,$c1,:0]", client.read().toString());
            assertEquals("$v7", client.call("GET", "k7").toString());
        }
    }

    @Test
    void shardChannelsAreServedByTheirSlotsMaster() {
        try (RespConnection subscriber = new RespConnection(proxy.port());
                RespConnection publisher = new RespConnection(proxy.port())) {
            subscriber.call("HELLO", "3");
            subscriber.send("SSUBSCRIBE", "{shard}a", "{shard}b");
            assertEquals(">[$ssubscribe,${shard}a,:1]", subscriber.read().toString());
            subscriber.read();
            assertEquals(":1", publisher.call("SPUBLISH", "{shard}b", "hi").toString());
            assertEquals(">[$smessage,${shard}b,$hi]", subscriber.read().toString());
            Reply crossSlot = publisher.call("SSUBSCRIBE", "x", "y");
            assertTrue(crossSlot.text().startsWith("CROSSSLOT"), crossSlot.text());
        }
    }
}
