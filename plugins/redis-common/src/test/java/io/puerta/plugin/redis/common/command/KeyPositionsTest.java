package io.puerta.plugin.redis.common.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.plugin.redis.common.testing.TestingCommand;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Key positions of every form a command table describes, from the built-in table's own entries. */
class KeyPositionsTest {

    private static List<Integer> keys(String... args) {
        TestingCommand command = TestingCommand.of(args);
        return KeyPositions.of(CommandTable.lookup(command.name()), command);
    }

    @Test
    void oneKeyAtAFixedPosition() {
        assertEquals(List.of(1), keys("GET", "k"));
        assertEquals(List.of(1), keys("SET", "k", "v", "EX", "10"));
        assertNull(keys("GET"), "too few arguments: the server says so itself");
    }

    @Test
    void everyArgumentToTheEndIsAKey() {
        assertEquals(List.of(1, 2, 3), keys("DEL", "a", "b", "c"));
        assertEquals(List.of(1, 2), keys("MGET", "a", "b"));
    }

    @Test
    void keysEveryOtherArgument() {
        assertEquals(List.of(1, 3, 5), keys("MSET", "a", "1", "b", "2", "c", "3"));
        assertNull(keys("MSET", "a", "1", "b"), "a key without its value");
    }

    @Test
    void keysUpToOneBeforeTheEnd() {
        // BLPOP key [key ...] timeout
        assertEquals(List.of(1, 2), keys("BLPOP", "a", "b", "5"));
    }

    @Test
    void keysCountedByANumkeysArgument() {
        // EVAL script numkeys key [key ...] arg [arg ...]
        assertEquals(List.of(3, 4), keys("EVAL", "return 1", "2", "a", "b", "x"));
        assertEquals(List.of(), keys("EVAL", "return 1", "0"));
        assertNull(keys("EVAL", "return 1", "3", "a"), "fewer keys than numkeys says");
        assertNull(keys("EVAL", "return 1", "many", "a"), "numkeys is not a number");
        assertNull(keys("EVAL", "return 1", "-1"), "a negative numkeys");
    }

    @Test
    void aDestinationBesideNumkeyedSources() {
        // ZUNIONSTORE destination numkeys key [key ...]: the destination is a key too
        assertEquals(List.of(1, 3, 4), keys("ZUNIONSTORE", "dest", "2", "a", "b"));
    }

    @Test
    void streamKeysAreTheFirstHalfAfterStreams() {
        assertEquals(List.of(4, 5), keys("XREAD", "COUNT", "2", "STREAMS", "s1", "s2", "0", "0"));
        assertEquals(List.of(7), keys("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"));
        assertNull(keys("XREAD", "STREAMS", "s1", "s2", "0"), "a stream without its id");
        assertNull(keys("XREAD", "COUNT", "2"), "no STREAMS");
    }

    @Test
    void commandsWithoutKeysHaveNone() {
        assertNull(KeyPositions.of(CommandTable.lookup("PING"), TestingCommand.of("PING")));
    }

    @Test
    void tokensAreFoundWhateverTheirCase() {
        assertTrue(KeyPositions.hasToken(TestingCommand.of("XREAD", "block", "0", "STREAMS", "s", "$"), "BLOCK"));
        assertFalse(KeyPositions.hasToken(TestingCommand.of("XREAD", "STREAMS", "block", "$"), "COUNT"));
    }

    @Test
    void destinationsNamedByAnOptionAreKeysToo() {
        assertEquals(List.of(1), keys("GEORADIUS", "geo", "15", "37", "200", "km", "ASC"));
        assertEquals(List.of(1, 7), keys("GEORADIUS", "geo", "15", "37", "200", "km", "STORE", "dest"));
        assertEquals(
                List.of(1, 9), keys("GEORADIUS", "geo", "15", "37", "200", "km", "COUNT", "5", "STOREDIST", "dist"));
        // a member called "store" is no option
        assertEquals(List.of(1), keys("GEORADIUSBYMEMBER", "geo", "store", "10", "km"));
        assertEquals(List.of(1, 6), keys("GEORADIUSBYMEMBER", "geo", "m", "10", "km", "STORE", "out"));
        assertEquals(List.of(1, 5), keys("SORT", "list", "ALPHA", "DESC", "STORE", "sorted"));
        // a GET pattern spelled STORE is a pattern, not an option
        assertEquals(List.of(1), keys("SORT", "list", "GET", "store", "LIMIT", "0", "10"));
    }

    @Test
    void sortPatternsThatNameOtherKeysAreFound() {
        assertEquals(List.of(), KeyPositions.sortPatterns(TestingCommand.of("SORT", "l", "BY", "nosort", "GET", "#")));
        assertEquals(
                List.of("w_*", "o_*->f"),
                KeyPositions.sortPatterns(
                        TestingCommand.of("SORT", "l", "LIMIT", "0", "5", "BY", "w_*", "GET", "o_*->f")));
    }
}
