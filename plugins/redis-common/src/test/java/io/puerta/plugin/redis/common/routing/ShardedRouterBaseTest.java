package io.puerta.plugin.redis.common.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.plugin.redis.common.testing.TestingCommand;
import io.puerta.runtime.testing.TestingBackend;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.routing.ConnectionUse;
import io.puerta.spi.routing.MergeKind;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.SplitPart;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every sharding router does alike, with a small router of our own: keys starting with a-m live on server A,
 * the rest on server B.
 */
class ShardedRouterBaseTest {

    private static final Backend A = TestingBackend.loopback(7001);
    private static final Backend B = TestingBackend.loopback(7002);

    private final ShardedRouterBase router = new ShardedRouterBase("test", "test") {
        @Override
        protected Backend ownerOf(byte[] key) {
            return key.length > 0 && key[0] <= 'm' ? A : B;
        }

        @Override
        protected List<Backend> allServers() {
            return List.of(A, B);
        }

        @Override
        protected List<Backend> liveServers() {
            return List.of(A, B);
        }
    };

    private RouteDecision route(String... args) {
        return router.route(TestingCommand.of(args));
    }

    @Test
    void aOneKeyCommandGoesToItsOwnerUnchanged() {
        RouteDecision.Forward forward = assertInstanceOf(RouteDecision.Forward.class, route("GET", "apple"));
        assertEquals(A, forward.backend());
        assertEquals(ConnectionUse.SHARED, forward.connection());
        assertNull(forward.prelude());
        assertEquals(B, ((RouteDecision.Forward) route("SET", "zebra", "1")).backend());
    }

    @Test
    void multiKeyCommandsOnOneServerAreNotSplit() {
        assertEquals(
                A,
                assertInstanceOf(RouteDecision.Forward.class, route("MGET", "a", "b", "c"))
                        .backend());
    }

    @Test
    void mgetIsSplitPerServerAndMergedByPosition() {
        RouteDecision.Split split = assertInstanceOf(RouteDecision.Split.class, route("MGET", "a", "z", "b", "y"));
        assertEquals(MergeKind.ARRAY_BY_POSITION, split.merge());
        assertEquals(2, split.parts().size());
        SplitPart first = split.parts().get(0);
        assertEquals(A, first.backend());
        assertEquals(List.of("MGET", "a", "b"), text(first.args()));
        assertEquals(List.of(0, 2), first.positions());
        SplitPart second = split.parts().get(1);
        assertEquals(B, second.backend());
        assertEquals(List.of("MGET", "z", "y"), text(second.args()));
        assertEquals(List.of(1, 3), second.positions());
    }

    @Test
    void msetKeepsEachValueWithItsKeyAndAnswersOkWhenAllDo() {
        RouteDecision.Split split =
                assertInstanceOf(RouteDecision.Split.class, route("MSET", "a", "1", "z", "2", "b", "3"));
        assertEquals(MergeKind.ALL_OK, split.merge());
        assertEquals(
                List.of("MSET", "a", "1", "b", "3"), text(split.parts().get(0).args()));
        assertEquals(List.of("MSET", "z", "2"), text(split.parts().get(1).args()));
    }

    @Test
    void countingCommandsAreSummed() {
        for (String command : List.of("DEL", "UNLINK", "EXISTS", "TOUCH")) {
            RouteDecision.Split split = assertInstanceOf(RouteDecision.Split.class, route(command, "a", "z"));
            assertEquals(MergeKind.INTEGER_SUM, split.merge(), command);
        }
    }

    @Test
    void keysThatMustStayTogetherButDoNotAreRefused() {
        RouteDecision.Fail fail = assertInstanceOf(RouteDecision.Fail.class, route("RENAME", "apple", "zebra"));
        assertTrue(fail.message().startsWith("CROSSSLOT"), fail.message());
        assertInstanceOf(RouteDecision.Forward.class, route("RENAME", "apple", "banana"));
    }

    @Test
    void blockingCommandsTakeTheClientsOwnConnection() {
        RouteDecision.Forward forward = assertInstanceOf(RouteDecision.Forward.class, route("BLPOP", "q", "0"));
        assertEquals(ConnectionUse.DEDICATED, forward.connection());
        assertEquals(B, forward.backend());
        // XREAD waits only with BLOCK
        assertEquals(ConnectionUse.SHARED, ((RouteDecision.Forward) route("XREAD", "STREAMS", "s", "0")).connection());
        assertEquals(
                ConnectionUse.DEDICATED,
                ((RouteDecision.Forward) route("XREAD", "BLOCK", "0", "STREAMS", "s", "$")).connection());
    }

    @Test
    void subscribersGetAConnectionOfTheirOwn() {
        RouteDecision.Forward forward = assertInstanceOf(RouteDecision.Forward.class, route("SUBSCRIBE", "news"));
        assertEquals(ConnectionUse.SUBSCRIPTION, forward.connection());
    }

    @Test
    void unknownAndRefusedCommandsAreAnsweredWithTheReason() {
        RouteDecision.Fail unknown = assertInstanceOf(RouteDecision.Fail.class, route("NOSUCHCOMMAND", "x"));
        assertTrue(unknown.message().contains("unknown command 'NOSUCHCOMMAND'"), unknown.message());
        RouteDecision.Fail refused = assertInstanceOf(RouteDecision.Fail.class, route("MIGRATE", "h", "1", "k"));
        assertTrue(refused.message().contains("not supported through the test proxy"), refused.message());
    }

    @Test
    void malformedKeyedCommandsReachAServerThatSaysWhy() {
        // too few arguments: no key to route by, so a live server answers with its own arity error
        assertInstanceOf(RouteDecision.Forward.class, route("GET"));
    }

    @Test
    void aTransactionIsQueuedAndSentAsOneBlockToItsServer() {
        assertInstanceOf(RouteDecision.Respond.class, route("MULTI"));
        assertInstanceOf(RouteDecision.Respond.class, route("SET", "a", "1"));
        assertInstanceOf(RouteDecision.Respond.class, route("INCR", "b"));
        RouteDecision.Split exec = assertInstanceOf(RouteDecision.Split.class, route("EXEC"));
        assertEquals(ConnectionUse.DEDICATED, exec.connection());
        assertTrue(exec.parts().stream().allMatch(part -> part.backend().equals(A)));
        router.clientClosed(1);
    }

    private static List<String> text(List<byte[]> args) {
        return args.stream().map(a -> new String(a, StandardCharsets.UTF_8)).toList();
    }
}
