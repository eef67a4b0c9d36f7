package io.puerta.plugin.redis.common.command;

import io.puerta.spi.request.RespCommand;
import io.puerta.spi.routing.CommandDescription;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The commands a sharding proxy understands, and where their keys are. A command that is not here is answered with
 * an error naming it, never forwarded blindly: forwarding a command whose keys we cannot see could read or write the
 * wrong server. The built-in table can be extended with what a server's {@code COMMAND} reply teaches (commands of
 * newer Redis versions and of modules), see {@link #learn}.
 */
public final class CommandTable {

    private static final Map<String, CommandSpec> TABLE = new HashMap<>();
    private static final CommandTable BUILTIN;

    /** Commands that only read, which a replica may serve. */
    private static final String[] READ_ONLY = {
        "GET",
        "STRLEN",
        "GETRANGE",
        "SUBSTR",
        "GETBIT",
        "BITCOUNT",
        "BITPOS",
        "BITFIELD_RO",
        "TYPE",
        "TTL",
        "PTTL",
        "EXPIRETIME",
        "PEXPIRETIME",
        "DUMP",
        "SORT_RO",
        "LLEN",
        "LINDEX",
        "LRANGE",
        "LPOS",
        "SCARD",
        "SISMEMBER",
        "SMISMEMBER",
        "SMEMBERS",
        "SRANDMEMBER",
        "SSCAN",
        "HGET",
        "HMGET",
        "HLEN",
        "HSTRLEN",
        "HEXISTS",
        "HKEYS",
        "HVALS",
        "HGETALL",
        "HSCAN",
        "HRANDFIELD",
        "ZCARD",
        "ZCOUNT",
        "ZSCORE",
        "ZMSCORE",
        "ZRANK",
        "ZREVRANK",
        "ZRANGE",
        "ZREVRANGE",
        "ZRANGEBYSCORE",
        "ZREVRANGEBYSCORE",
        "ZRANGEBYLEX",
        "ZREVRANGEBYLEX",
        "ZLEXCOUNT",
        "ZSCAN",
        "ZRANDMEMBER",
        "GEODIST",
        "GEOHASH",
        "GEOPOS",
        "GEORADIUS_RO",
        "GEORADIUSBYMEMBER_RO",
        "GEOSEARCH",
        "XLEN",
        "XRANGE",
        "XREVRANGE",
        "XPENDING",
        "OBJECT",
        "XINFO",
        "SINTER",
        "SUNION",
        "SDIFF",
        "PFCOUNT",
        "MGET",
        "EXISTS",
        "LCS",
        "ZUNION",
        "ZINTER",
        "ZDIFF",
        "ZINTERCARD",
        "SINTERCARD",
        "EVAL_RO",
        "EVALSHA_RO",
        "FCALL_RO"
    };

    static {
        single(
                // strings
                "GET",
                "SET",
                "SETNX",
                "SETEX",
                "PSETEX",
                "APPEND",
                "STRLEN",
                "GETSET",
                "GETDEL",
                "GETEX",
                "GETRANGE",
                "SETRANGE",
                "SUBSTR",
                "INCR",
                "DECR",
                "INCRBY",
                "DECRBY",
                "INCRBYFLOAT",
                "GETBIT",
                "SETBIT",
                "BITCOUNT",
                "BITPOS",
                "BITFIELD",
                "BITFIELD_RO",
                // keys
                "TYPE",
                "TTL",
                "PTTL",
                "EXPIRE",
                "PEXPIRE",
                "EXPIREAT",
                "PEXPIREAT",
                "EXPIRETIME",
                "PEXPIRETIME",
                "PERSIST",
                "DUMP",
                "RESTORE",
                "SORT",
                "SORT_RO",
                // lists
                "LPUSH",
                "RPUSH",
                "LPUSHX",
                "RPUSHX",
                "LPOP",
                "RPOP",
                "LLEN",
                "LINDEX",
                "LSET",
                "LRANGE",
                "LTRIM",
                "LREM",
                "LINSERT",
                "LPOS",
                // sets
                "SADD",
                "SREM",
                "SCARD",
                "SISMEMBER",
                "SMISMEMBER",
                "SMEMBERS",
                "SPOP",
                "SRANDMEMBER",
                "SSCAN",
                // hashes
                "HSET",
                "HSETNX",
                "HGET",
                "HMSET",
                "HMGET",
                "HDEL",
                "HLEN",
                "HSTRLEN",
                "HEXISTS",
                "HKEYS",
                "HVALS",
                "HGETALL",
                "HINCRBY",
                "HINCRBYFLOAT",
                "HSCAN",
                "HRANDFIELD",
                // sorted sets
                "ZADD",
                "ZINCRBY",
                "ZREM",
                "ZCARD",
                "ZCOUNT",
                "ZSCORE",
                "ZMSCORE",
                "ZRANK",
                "ZREVRANK",
                "ZRANGE",
                "ZREVRANGE",
                "ZRANGEBYSCORE",
                "ZREVRANGEBYSCORE",
                "ZRANGEBYLEX",
                "ZREVRANGEBYLEX",
                "ZLEXCOUNT",
                "ZREMRANGEBYRANK",
                "ZREMRANGEBYSCORE",
                "ZREMRANGEBYLEX",
                "ZSCAN",
                "ZPOPMIN",
                "ZPOPMAX",
                "ZRANDMEMBER",
                // hyperloglog, geo, streams
                "PFADD",
                "GEOADD",
                "GEODIST",
                "GEOHASH",
                "GEOPOS",
                "GEORADIUS",
                "GEORADIUSBYMEMBER",
                "GEORADIUS_RO",
                "GEORADIUSBYMEMBER_RO",
                "GEOSEARCH",
                "XADD",
                "XLEN",
                "XRANGE",
                "XREVRANGE",
                "XDEL",
                "XTRIM",
                "XACK",
                "XCLAIM",
                "XAUTOCLAIM",
                "XPENDING",
                "XSETID");
        TABLE.put("OBJECT", CommandSpec.keyed(2, 2, 1));
        TABLE.put("MEMORY", CommandSpec.keyed(2, 2, 1)); // MEMORY USAGE key; the server-wide subcommands are refused
        TABLE.put("XINFO", CommandSpec.keyed(2, 2, 1));
        TABLE.put("XGROUP", CommandSpec.keyed(2, 2, 1));
        for (String name : new String[] {
            "RENAME", "RENAMENX", "RPOPLPUSH", "SMOVE", "LMOVE", "LCS", "COPY", "GEOSEARCHSTORE", "ZRANGESTORE"
        }) {
            TABLE.put(name, CommandSpec.keyed(1, 2, 1));
        }
        for (String name : new String[] {
            "SINTER", "SUNION", "SDIFF", "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE", "PFCOUNT", "PFMERGE"
        }) {
            TABLE.put(name, CommandSpec.keyed(1, -1, 1));
        }
        TABLE.put("MSETNX", CommandSpec.keyed(1, -1, 2));
        TABLE.put("BITOP", CommandSpec.keyed(2, -1, 1));
        for (String name : new String[] {"MGET", "DEL", "UNLINK", "EXISTS", "TOUCH"}) {
            TABLE.put(name, CommandSpec.splittable(1));
        }
        TABLE.put("MSET", CommandSpec.splittable(2));
        for (String name : new String[] {
            "EVAL",
            "EVALSHA",
            "EVAL_RO",
            "EVALSHA_RO",
            "FCALL",
            "FCALL_RO",
            "ZUNION",
            "ZINTER",
            "ZDIFF",
            "ZINTERCARD",
            "SINTERCARD",
            "LMPOP",
            "ZMPOP"
        }) {
            // EVAL script numkeys ..., FCALL function numkeys ...; the others start with numkeys
            boolean scripted = name.startsWith("EVAL") || name.startsWith("FCALL");
            TABLE.put(name, CommandSpec.numkeys(scripted ? 2 : 1));
        }
        for (String name : new String[] {"ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"}) {
            // destination at 1, numkeys at 2, then the keys: all must share a server
            TABLE.put(name, new CommandSpec(CommandKind.NUMKEYS, 2, 0, 1, 1, "", false, false));
        }
        for (String name : new String[] {
            "PING",
            "ECHO",
            "SELECT",
            "QUIT",
            "INFO",
            "DBSIZE",
            "FLUSHALL",
            "FLUSHDB",
            "KEYS",
            "SCAN",
            "RANDOMKEY",
            "COMMAND",
            "CONFIG",
            "CLIENT",
            "HELLO",
            "RESET",
            "AUTH",
            "SLOWLOG",
            "TIME",
            "LASTSAVE",
            "SCRIPT",
            "FUNCTION"
        }) {
            TABLE.put(name, CommandSpec.of(CommandKind.PROXY));
        }
        for (String name : new String[] {"MULTI", "EXEC", "DISCARD", "UNWATCH"}) {
            TABLE.put(name, CommandSpec.of(CommandKind.TRANSACTION));
        }
        TABLE.put("WATCH", new CommandSpec(CommandKind.TRANSACTION, 1, -1, 1, 0, "", false, false));
        for (String name : new String[] {"BLPOP", "BRPOP", "BZPOPMIN", "BZPOPMAX"}) {
            TABLE.put(name, CommandSpec.keyed(1, -2, 1).waiting()); // the last argument is the timeout
        }
        TABLE.put("BRPOPLPUSH", CommandSpec.keyed(1, 2, 1).waiting());
        TABLE.put("BLMOVE", CommandSpec.keyed(1, 2, 1).waiting());
        TABLE.put("BLMPOP", CommandSpec.numkeys(2).waiting());
        TABLE.put("BZMPOP", CommandSpec.numkeys(2).waiting());
        // XREAD and XREADGROUP wait only with BLOCK: the router checks for it
        TABLE.put(
                "XREAD",
                CommandSpec.keyed(KeyPositions.AFTER_STREAMS, 0, 1)
                        .readingOnly()
                        .waiting());
        TABLE.put(
                "XREADGROUP",
                CommandSpec.keyed(KeyPositions.AFTER_STREAMS, 0, 1).waiting());
        refuse("it waits for replicas of the one server its connection reaches", "WAIT", "WAITAOF");
        for (String name : new String[] {
            "SUBSCRIBE",
            "PSUBSCRIBE",
            "SSUBSCRIBE",
            "UNSUBSCRIBE",
            "PUNSUBSCRIBE",
            "SUNSUBSCRIBE",
            "PUBLISH",
            "SPUBLISH"
        }) {
            TABLE.put(name, CommandSpec.of(CommandKind.PUBSUB));
        }
        refuse("it answers for the one server it reaches, not for all of them; ask the servers directly", "PUBSUB");
        refuse(
                "it acts on one server, not on the data behind the proxy",
                "MOVE",
                "SWAPDB",
                "MIGRATE",
                "SAVE",
                "BGSAVE",
                "BGREWRITEAOF",
                "SHUTDOWN",
                "SLAVEOF",
                "REPLICAOF",
                "DEBUG",
                "MONITOR",
                "SYNC",
                "PSYNC",
                "CLUSTER",
                "READONLY",
                "READWRITE",
                "ACL",
                "LATENCY",
                "MODULE",
                "OBJECT_FREQ",
                "FAILOVER",
                "ROLE",
                "LOLWUT");
    }

    static {
        for (String name : READ_ONLY) {
            CommandSpec spec = TABLE.get(name);
            TABLE.put(name, spec.readingOnly());
        }
        BUILTIN = new CommandTable(Map.copyOf(TABLE), Map.of());
    }

    private final Map<String, CommandSpec> specs;
    /** What the servers said of each command (upper case; subcommands as {@code CONFIG|SET}): categories, flags. */
    private final Map<String, LearnedCommand> described;

    private CommandTable(Map<String, CommandSpec> specs, Map<String, LearnedCommand> described) {
        this.specs = specs;
        this.described = described;
    }

    /** The table built into this release. */
    public static CommandTable builtin() {
        return BUILTIN;
    }

    /** The built-in spec of an upper-case command name, or null when the proxy does not know it. */
    public static CommandSpec lookup(String name) {
        return BUILTIN.get(name);
    }

    /** The spec of an upper-case command name, or null when the proxy does not know it. */
    public CommandSpec get(String name) {
        return specs.get(name);
    }

    /** This table without one command (tests: a command the proxy has yet to learn). */
    CommandTable without(String name) {
        Map<String, CommandSpec> fewer = new HashMap<>(specs);
        fewer.remove(name);
        return new CommandTable(Map.copyOf(fewer), described);
    }

    /** Every command name of this table, sorted. */
    public java.util.SortedSet<String> names() {
        return new java.util.TreeSet<>(specs.keySet());
    }

    public int size() {
        return specs.size();
    }

    /**
     * This table plus the commands a server described that it does not know yet. The built-in entries stay: they
     * know what a proxy must do with a command beyond its key positions. A learned command with its keys at fixed
     * positions is routed by them (on the client's own connection if the server flags it {@code blocking}); one whose
     * keys only the server can find ({@code movablekeys}), or that has none, is refused with that reason.
     */
    public CommandTable learn(List<LearnedCommand> commands) {
        Map<String, CommandSpec> merged = new HashMap<>(specs);
        for (LearnedCommand command : commands) {
            String name = command.name().toUpperCase(Locale.ROOT);
            if (merged.containsKey(name) || command.isSubcommand()) {
                continue;
            }
            merged.put(name, command.spec());
        }
        return new CommandTable(Map.copyOf(merged), describedBy(commands));
    }

    /**
     * This table, routing as before, with what the servers say of each command (ACL categories, flags) for
     * {@link #describe}: a mode that routes by the built-in table alone still classifies by the servers' words.
     */
    public CommandTable learnTraits(List<LearnedCommand> commands) {
        return new CommandTable(specs, describedBy(commands));
    }

    private Map<String, LearnedCommand> describedBy(List<LearnedCommand> commands) {
        Map<String, LearnedCommand> merged = new HashMap<>(described);
        for (LearnedCommand command : commands) {
            merged.put(command.name().toUpperCase(Locale.ROOT), command);
        }
        return Map.copyOf(merged);
    }

    /**
     * What {@code command} is, for a user's rights: its categories and whether it writes, from the servers'
     * {@code COMMAND} reply when they gave one (a subcommand's own entry first: {@code CONFIG|SET}), else from this
     * table ({@link BuiltinTraits}); and where its keys are. Null for a command this table does not know.
     */
    public CommandDescription describe(RespCommand command) {
        String name = command.name();
        CommandSpec spec = specs.get(name);
        LearnedCommand learned = null;
        if (command.argCount() > 1) {
            learned = described.get(name + "|" + command.argString(1).toUpperCase(Locale.ROOT));
        }
        if (learned == null) {
            learned = described.get(name);
        }
        if (spec == null && learned == null) {
            return null;
        }
        List<Integer> keys = spec == null ? learnedKeys(learned, command) : keysOf(spec, command);
        if (learned != null) {
            return new CommandDescription(learned.categories(), BuiltinTraits.writes(learned), keys);
        }
        return new CommandDescription(BuiltinTraits.categories(name, spec), BuiltinTraits.writes(name, spec), keys);
    }

    private static List<Integer> keysOf(CommandSpec spec, RespCommand command) {
        if (spec.firstKey() == 0 && spec.extraKey() == 0) {
            return List.of(); // no keys: PING, SCAN, MULTI, PUBLISH (channels are not keys), ...
        }
        return KeyPositions.of(spec, command);
    }

    private static List<Integer> learnedKeys(LearnedCommand learned, RespCommand command) {
        if (learned.flags().contains("movablekeys")) {
            return null; // only the server can tell
        }
        if (learned.firstKey() <= 0 || learned.step() <= 0) {
            return List.of();
        }
        return KeyPositions.of(CommandSpec.keyed(learned.firstKey(), learned.lastKey(), learned.step()), command);
    }

    private static void single(String... names) {
        for (String name : names) {
            TABLE.put(name, CommandSpec.keyed(1, 1, 1));
        }
    }

    private static void refuse(String reason, String... names) {
        for (String name : names) {
            TABLE.put(name, CommandSpec.refused(reason));
        }
    }
}
