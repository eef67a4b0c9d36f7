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
        assertEquals("+OK\r\n", text(((RouteDecision.Respond) route("SELECT", "0")).reply()));
        assertInstanceOf(RouteDecision.Fail.class, route("SELECT", "1"));
        assertEquals(":1\r\n", text(((RouteDecision.Respond) route("CLIENT", "ID")).reply()));
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
    void infoShowsTheProxyThenEachServer() {
        RouteDecision.Split info = assertInstanceOf(RouteDecision.Split.class, route("INFO"));
        String merged = new String(
                (byte[]) new io.puerta.plugin.redis.common.resp.RespReader(
                                info.merger().merge(replies("$13\r\nredis_a:one\r\n\r\n", "-ERR down\r\n")))
                        .read(),
                StandardCharsets.UTF_8);
        assertTrue(merged.startsWith("# Proxy\r\nproxy:puerta\r\n"), merged);
        assertTrue(merged.contains("router:test-router"), merged);
        assertTrue(merged.contains("# Backend 127.0.0.1:7001\r\nredis_a:one"), merged);
        assertTrue(merged.contains("# Backend 127.0.0.1:7002\r\nerror:ERR down"), merged);
    }

    @Test
    void withoutALiveServerTheAnswerSaysSo() {
        live = List.of();
        assertEquals(ProxyCommands.noLiveServer(), route("DBSIZE"));
        assertEquals(ProxyCommands.noLiveServer(), route("RANDOMKEY"));
    }

    @Test
    void otherCommandsAreNotTheProxys() {
        assertTrue(((RouteDecision.Fail) route("CLIENT", "KILL", "x")).message().contains("CLIENT KILL"));
        assertTrue(
                ((RouteDecision.Fail) route("SCRIPT", "DEBUG", "YES")).message().contains("SCRIPT DEBUG"));
        assertTrue(((RouteDecision.Fail) route("FUNCTION", "NOPE")).message().contains("FUNCTION NOPE"));
    }

    @Test
    void clientNamesAreKeptPerConnectionUntilItLeaves() {
        assertEquals("$-1\r\n", text(((RouteDecision.Respond) route("CLIENT", "GETNAME")).reply()));
        assertEquals("+OK\r\n", text(((RouteDecision.Respond) route("CLIENT", "SETNAME", "worker-1")).reply()));
        assertEquals("$8\r\nworker-1\r\n", text(((RouteDecision.Respond) route("CLIENT", "GETNAME")).reply()));
        assertTrue(((RouteDecision.Fail) route("CLIENT", "SETNAME", "has space"))
                .message()
                .contains("spaces"));
        commands.clientClosed(TestingCommand.of("PING").client().connectionId());
        assertEquals("$-1\r\n", text(((RouteDecision.Respond) route("CLIENT", "GETNAME")).reply()));
        route("CLIENT", "SETNAME", "again");
        route("CLIENT", "SETNAME", "");
        assertEquals("$-1\r\n", text(((RouteDecision.Respond) route("CLIENT", "GETNAME")).reply()));
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
