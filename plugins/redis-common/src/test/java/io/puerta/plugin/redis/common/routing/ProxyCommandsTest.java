package io.puerta.plugin.redis.common.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.plugin.redis.common.testing.TestingCommand;
import io.puerta.runtime.testing.TestingBackend;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.routing.MergeKind;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.SplitPart;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Commands the proxy answers for the whole data set: answered itself, or fanned out and merged. */
class ProxyCommandsTest {

    private static final Backend A = TestingBackend.loopback(7001);
    private static final Backend B = TestingBackend.loopback(7002);

    private List<Backend> live = List.of(A, B);
    private final ProxyCommands commands = new ProxyCommands("test-router", new ServerSet() {
        @Override
        public List<Backend> all() {
            return List.of(A, B);
        }

        @Override
        public List<Backend> live() {
            return live;
        }
    });

    private RouteDecision route(String... args) {
        return commands.route(TestingCommand.of(args));
    }

    @Test
    void answeredByTheProxyItself() {
        assertEquals(
                "+PONG\r\n",
                text(assertInstanceOf(RouteDecision.Respond.class, route("PING"))
                        .reply()));
        assertEquals("$2\r\nhi\r\n", text(((RouteDecision.Respond) route("PING", "hi")).reply()));
        assertEquals("$3\r\nabc\r\n", text(((RouteDecision.Respond) route("ECHO", "abc")).reply()));
        assertTrue(((RouteDecision.Fail) route("PING", "a", "b")).message().startsWith("wrong number of arguments"));
    }

    @Test
    void dbsizeSumsTheLiveServers() {
        RouteDecision.Split split = assertInstanceOf(RouteDecision.Split.class, route("DBSIZE"));
        assertEquals(MergeKind.INTEGER_SUM, split.merge());
        assertEquals(
                List.of(A, B), split.parts().stream().map(SplitPart::backend).toList());
    }

    @Test
    void flushingGoesToEveryServerAndAnswersOkWhenAllDo() {
        RouteDecision.Split split = assertInstanceOf(RouteDecision.Split.class, route("FLUSHALL"));
        assertEquals(MergeKind.ALL_OK, split.merge());
        assertEquals(2, split.parts().size());
    }

    @Test
    void keysConcatenatesEveryServersKeysAndPassesAnErrorOn() {
        RouteDecision.Split split = assertInstanceOf(RouteDecision.Split.class, route("KEYS", "*"));
        assertEquals(
                "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nz\r\n",
                text(split.merger().merge(replies("*2\r\n$1\r\na\r\n$1\r\nb\r\n", "*1\r\n$1\r\nz\r\n"))));
        assertEquals("-ERR busy\r\n", text(split.merger().merge(replies("*0\r\n", "-ERR busy\r\n"))));
    }

    @Test
    void scanWalksTheServersOneAfterTheOther() {
        // cursor 0: the first server, from its own cursor 0
        RouteDecision.Split first = assertInstanceOf(RouteDecision.Split.class, route("SCAN", "0"));
        assertEquals(A, first.parts().get(0).backend());
        // A answers cursor 5: the proxy's cursor encodes (5, server 0) as 5 * 2 + 0
        assertEquals(
                "*2\r\n$2\r\n10\r\n*1\r\n$1\r\nk\r\n",
                text(first.merger().merge(replies("*2\r\n$1\r\n5\r\n*1\r\n$1\r\nk\r\n"))));
        RouteDecision.Split again = assertInstanceOf(RouteDecision.Split.class, route("SCAN", "10"));
        assertEquals(A, again.parts().get(0).backend());
        assertEquals("5", new String(again.parts().get(0).args().get(1), StandardCharsets.US_ASCII));
        // A is done (cursor 0): on to server 1, B
        assertEquals("*2\r\n$1\r\n1\r\n*0\r\n", text(again.merger().merge(replies("*2\r\n$1\r\n0\r\n*0\r\n"))));
        RouteDecision.Split onB = assertInstanceOf(RouteDecision.Split.class, route("SCAN", "1"));
        assertEquals(B, onB.parts().get(0).backend());
        // B is done too: the walk is over
        assertEquals("*2\r\n$1\r\n0\r\n*0\r\n", text(onB.merger().merge(replies("*2\r\n$1\r\n0\r\n*0\r\n"))));
    }

    @Test
    void scriptsAreLoadedEverywhereAndKnownOnlyWhereAllKnowThem() {
        RouteDecision.Split load = assertInstanceOf(RouteDecision.Split.class, route("SCRIPT", "LOAD", "return 1"));
        assertEquals(2, load.parts().size());
        String digest = "$40\r\ne0e1f9fabfc9d4800c877a703b823ac0578ff8db\r\n";
        assertEquals(digest, text(load.merger().merge(replies(digest, digest))));
        assertEquals("-ERR nope\r\n", text(load.merger().merge(replies(digest, "-ERR nope\r\n"))));

        RouteDecision.Split exists = assertInstanceOf(RouteDecision.Split.class, route("SCRIPT", "EXISTS", "x", "y"));
        assertEquals(
                "*2\r\n:1\r\n:0\r\n", text(exists.merger().merge(replies("*2\r\n:1\r\n:1\r\n", "*2\r\n:1\r\n:0\r\n"))));
    }

    @Test
    void infoMergesTheServersFieldByFieldWithEachServerInTheProxySection() {
        RouteDecision.Split info = assertInstanceOf(RouteDecision.Split.class, route("INFO"));
        String a = "# Server\r\nredis_version:7.0.15\r\nredis_mode:cluster\r\nuptime_in_seconds:50\r\n\r\n"
                + "# Clients\r\nconnected_clients:3\r\nmaxclients:100\r\n\r\n"
                + "# Memory\r\nused_memory:1024\r\nused_memory_human:1.00K\r\n\r\n"
                + "# Persistence\r\nloading:0\r\nrdb_changes_since_last_save:4\r\nrdb_bgsave_in_progress:1\r\n\r\n"
                + "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=100\r\n";
        String b = "# Server\r\nredis_version:7.0.15\r\nredis_mode:cluster\r\nuptime_in_seconds:20\r\n\r\n"
                + "# Clients\r\nconnected_clients:5\r\nmaxclients:100\r\n\r\n"
                + "# Memory\r\nused_memory:2048\r\nused_memory_human:2.00K\r\n\r\n"
                + "# Persistence\r\nloading:0\r\nrdb_changes_since_last_save:6\r\nrdb_bgsave_in_progress:0\r\n\r\n"
                + "# Keyspace\r\ndb0:keys=3,expires=3,avg_ttl=300\r\n";
        String merged = new String(
                (byte[]) new io.puerta.plugin.redis.common.resp.RespReader(
                                info.merger().merge(replies(bulk(a), bulk(b))))
                        .read(),
                StandardCharsets.UTF_8);
        assertTrue(merged.startsWith("# Proxy\r\nproxy:puerta\r\n"), merged);
        assertTrue(merged.contains("router:test-router"), merged);
        assertTrue(merged.contains("server0:name=127.0.0.1:7001,connected_clients=3,used_memory=1024,db0=2"), merged);
        assertTrue(merged.contains("\r\nredis_mode:standalone\r\n"), merged);
        assertTrue(merged.contains("\r\nuptime_in_seconds:20\r\n"), merged); // the youngest server
        assertTrue(merged.contains("\r\nconnected_clients:8\r\n"), merged);
        assertTrue(merged.contains("\r\nmaxclients:100\r\n"), merged);
        assertTrue(merged.contains("\r\nused_memory:3072\r\nused_memory_human:3.00K\r\n"), merged);
        assertTrue(merged.contains("\r\nrdb_changes_since_last_save:10\r\n"), merged);
        assertTrue(merged.contains("\r\nrdb_bgsave_in_progress:1\r\n"), merged);
        assertTrue(merged.contains("\r\ndb0:keys=5,expires=4,avg_ttl=250\r\n"), merged);

        String withError = new String(
                (byte[]) new io.puerta.plugin.redis.common.resp.RespReader(
                                info.merger().merge(replies(bulk(a), "-ERR down\r\n")))
                        .read(),
                StandardCharsets.UTF_8);
        assertTrue(withError.contains("server1:name=127.0.0.1:7002,error=ERR down"), withError);
        assertTrue(withError.contains("\r\nconnected_clients:3\r\n"), withError);
    }

    @Test
    void infoIsAVerbatimStringForARespThreeClient() {
        RouteDecision.Split info =
                assertInstanceOf(RouteDecision.Split.class, commands.route(TestingCommand.resp3("INFO")));
        String merged = text(info.merger().merge(replies(bulk("# Clients\r\nconnected_clients:1\r\n"), bulk(""))));
        assertTrue(merged.startsWith("="), merged);
        assertTrue(merged.contains("txt:# Proxy"), merged);
    }

    private static String bulk(String text) {
        return "$" + text.getBytes(StandardCharsets.UTF_8).length + "\r\n" + text + "\r\n";
    }

    @Test
    void withoutALiveServerTheAnswerSaysSo() {
        live = List.of();
        assertEquals(ProxyCommands.noLiveServer(), route("DBSIZE"));
        assertEquals(ProxyCommands.noLiveServer(), route("RANDOMKEY"));
    }

    @Test
    void otherCommandsAreNotTheProxys() {
        assertTrue(
                ((RouteDecision.Fail) route("SCRIPT", "DEBUG", "YES")).message().contains("SCRIPT DEBUG"));
        assertTrue(((RouteDecision.Fail) route("FUNCTION", "NOPE")).message().contains("FUNCTION NOPE"));
    }

    @Test
    void killsGoToEveryServerOnTheClientsOwnConnectionsAndAnswerAsRedisDoes() {
        for (String command : List.of("SCRIPT", "FUNCTION")) {
            RouteDecision.Split kill = (RouteDecision.Split) route(command, "KILL");
            assertEquals(io.puerta.spi.routing.ConnectionUse.DEDICATED, kill.connection());
            assertEquals(2, kill.parts().size());
        }
        String notBusy = "-NOTBUSY No scripts in execution right now.\r\n";
        assertEquals("+OK\r\n", text(ProxyCommands.killedAnywhere(replies(notBusy, "+OK\r\n", notBusy))));
        assertEquals(notBusy, text(ProxyCommands.killedAnywhere(replies(notBusy, notBusy))));
    }

    private static List<ByteBuffer> replies(String... replies) {
        List<ByteBuffer> buffers = new ArrayList<>();
        for (String reply : replies) {
            buffers.add(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer());
        }
        return buffers;
    }

    private static String text(ByteBuffer reply) {
        ByteBuffer copy = reply.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
