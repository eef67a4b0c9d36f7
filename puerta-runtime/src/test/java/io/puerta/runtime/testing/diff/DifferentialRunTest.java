package io.puerta.runtime.testing.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.RespConnection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The differential tester itself: two identical servers agree, and a difference between them is found. */
class DifferentialRunTest {

    @Test
    void identicalServersAgreeAndADifferenceIsReportedWithItsCommand() {
        try (RedisServerProcess a = RedisServerProcess.start();
                RedisServerProcess b = RedisServerProcess.start()) {
            DifferentialRun.Outcome same = DifferentialRun.run(7, 500, a.port(), b.port(), (c, x, y) -> false);
            assertTrue(same.differences().isEmpty(), same.report());
            assertTrue(same.compared() >= 500);

            try (RespConnection client = new RespConnection(b.port())) {
                client.call("FLUSHALL");
                client.call("SET", "s:k1", "only on one");
            }
            try (RespConnection client = new RespConnection(a.port())) {
                client.call("FLUSHALL");
            }
            DifferentialRun.Outcome different = DifferentialRun.run(7, 500, a.port(), b.port(), (c, x, y) -> false);
            assertFalse(different.differences().isEmpty(), "the extra key shows");
            assertTrue(different.report().contains("seed 7"), different.report());
        }
    }

    @Test
    void theSameSeedMakesTheSameCommands() {
        CommandGenerator one = new CommandGenerator(42);
        CommandGenerator two = new CommandGenerator(42);
        for (int i = 0; i < 200; i++) {
            assertEquals(one.next(), two.next());
        }
    }

    @Test
    void unorderedRepliesAreComparedSortedAndTimesToLiveBySign() {
        RespConnection.Reply ab = new RespConnection.Reply(
                '*',
                List.of(new RespConnection.Reply('$', "a".getBytes()), new RespConnection.Reply('$', "b".getBytes())));
        RespConnection.Reply ba = new RespConnection.Reply(
                '*',
                List.of(new RespConnection.Reply('$', "b".getBytes()), new RespConnection.Reply('$', "a".getBytes())));
        assertEquals(
                DifferentialRun.normalized(List.of("SMEMBERS", "s"), ab),
                DifferentialRun.normalized(List.of("SMEMBERS", "s"), ba));
        assertFalse(DifferentialRun.normalized(List.of("LRANGE", "l", "0", "-1"), ab)
                .equals(DifferentialRun.normalized(List.of("LRANGE", "l", "0", "-1"), ba)));
        assertEquals(
                DifferentialRun.normalized(List.of("TTL", "k"), new RespConnection.Reply(':', "999")),
                DifferentialRun.normalized(List.of("TTL", "k"), new RespConnection.Reply(':', "1000")));
    }
}
