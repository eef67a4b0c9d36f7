package io.puerta.plugin.redis.common.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.plugin.redis.common.resp.BlockingRespClient;
import io.puerta.plugin.redis.common.testing.TestingCommand;
import io.puerta.runtime.testing.RedisServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandTableTest {

    @Test
    void commandsTheProxyDoesNotKnowAreLearnedFromARealServersCommandReply() throws Exception {
        CommandTable withoutBitop = CommandTable.builtin().without("BITOP");
        assertNull(withoutBitop.get("BITOP"));
        Object reply;
        try (RedisServerProcess server = RedisServerProcess.start();
                BlockingRespClient client = new BlockingRespClient("127.0.0.1", server.port(), Duration.ofSeconds(5))) {
            reply = client.call("COMMAND");
        }
        List<LearnedCommand> learned = LearnedCommand.parse(reply);
        assertTrue(learned.size() > 150, "a real server describes its commands: " + learned.size());

        CommandTable table = withoutBitop.learn(learned);
        // BITOP operation destkey key [key ...]: keys from 2 to the end, a write
        assertEquals(new CommandSpec(CommandKind.KEYED, 2, -1, 1, 0, "", false, false), table.get("BITOP"));
        // a learned read-only command may go to replicas; built-in entries are kept as they are
        assertTrue(table.get("GET").readOnly());
        assertSame(CommandTable.builtin().get("MGET"), table.get("MGET"));
        // no keys: nothing a proxy can route
        assertEquals(CommandKind.REFUSED, table.get("PFSELFTEST").kind());
    }

    @Test
    void commandsAreDescribedByTheServersCategoriesSubcommandsIncluded() throws Exception {
        Object reply;
        try (RedisServerProcess server = RedisServerProcess.start();
                BlockingRespClient client = new BlockingRespClient("127.0.0.1", server.port(), Duration.ofSeconds(5))) {
            reply = client.call("COMMAND");
        }
        CommandTable table = CommandTable.builtin().learnTraits(LearnedCommand.parse(reply));
        assertEquals(CommandTable.builtin().size(), table.size(), "routing is unchanged");
        var pfadd = table.describe(TestingCommand.of("PFADD", "hll", "a"));
        assertTrue(pfadd.categories().contains("hyperloglog"), String.valueOf(pfadd.categories()));
        assertTrue(pfadd.writes());
        assertEquals(List.of(1), pfadd.keys());
        var mset = table.describe(TestingCommand.of("MSET", "a", "1", "b", "2"));
        assertEquals(List.of(1, 3), mset.keys());
        var configSet = table.describe(TestingCommand.of("CONFIG", "SET", "maxmemory", "1"));
        assertTrue(configSet.categories().contains("dangerous"), "config|set's own entry");
        assertEquals(List.of(), configSet.keys());
        assertFalse(table.describe(TestingCommand.of("GET", "k")).writes());
        assertTrue(table.describe(TestingCommand.of("EVAL", "return 1", "0")).writes(), "a script may write");
        assertNull(table.describe(TestingCommand.of("NOSUCHCOMMAND")));
        // without the servers' words, the built-in table describes what it knows
        var builtinGet = CommandTable.builtin().describe(TestingCommand.of("GET", "k"));
        assertTrue(builtinGet.categories().contains("read"));
        assertNull(CommandTable.builtin().describe(TestingCommand.of("MGET")).keys(), "arguments that do not fit");
    }

    @Test
    void learnedFlagsDecideReadsWaitsAndRefusals() {
        List<Object> reply = List.of(
                entry("newread", List.of("readonly"), 1, 1, 1),
                entry("newwait", List.of("write", "blocking"), 1, -2, 1),
                entry("newmovable", List.of("write", "movablekeys"), 0, 0, 0),
                List.of("broken"));
        CommandTable table = CommandTable.builtin().learn(LearnedCommand.parse(reply));
        CommandSpec read = table.get("NEWREAD");
        assertTrue(read.readOnly());
        assertFalse(read.blocking());
        assertTrue(table.get("NEWWAIT").blocking());
        assertEquals(-2, table.get("NEWWAIT").lastKey());
        assertEquals(CommandKind.REFUSED, table.get("NEWMOVABLE").kind());
        assertTrue(table.get("NEWMOVABLE").reason().contains("movablekeys"));
        assertEquals(CommandTable.builtin().size() + 3, table.size());
    }

    private static List<Object> entry(String name, List<String> flags, long first, long last, long step) {
        return List.of(name.getBytes(), -2L, List.copyOf(Set.copyOf(flags)), first, last, step);
    }
}
