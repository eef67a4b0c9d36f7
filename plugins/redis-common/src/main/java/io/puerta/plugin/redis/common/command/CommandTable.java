package io.puerta.plugin.redis.common.command;

import java.util.HashMap;
import java.util.Map;

/**
 * The commands a sharding proxy in front of standalone Redis-protocol servers understands, and where their keys
 * are. A command that is not here is answered with an error naming it, never forwarded blindly: forwarding a
 * command whose keys we cannot see could read or write the wrong server.
 */
public final class CommandTable {

    private static final Map<String, CommandSpec> TABLE = new HashMap<>();

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
            TABLE.put(name, new CommandSpec(CommandKind.NUMKEYS, 2, 0, 1, 1, ""));
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
            "TIME",
            "LASTSAVE",
            "SCRIPT"
        }) {
            TABLE.put(name, CommandSpec.proxy());
        }
        refuse(
                "a transaction needs all its commands on one connection to one server, which a sharding proxy"
                        + " cannot promise",
                "MULTI",
                "EXEC",
                "DISCARD",
                "WATCH",
                "UNWATCH");
        refuse(
                "a blocking command would stall every client sharing the server connection",
                "BLPOP",
                "BRPOP",
                "BRPOPLPUSH",
                "BLMOVE",
                "BZPOPMIN",
                "BZPOPMAX",
                "BLMPOP",
                "BZMPOP",
                "XREAD",
                "XREADGROUP",
                "WAIT");
        refuse(
                "pub/sub needs a connection of its own to one server",
                "SUBSCRIBE",
                "PSUBSCRIBE",
                "UNSUBSCRIBE",
                "PUNSUBSCRIBE",
                "PUBLISH",
                "SSUBSCRIBE",
                "SUNSUBSCRIBE",
                "SPUBLISH",
                "PUBSUB");
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
                "AUTH",
                "FUNCTION",
                "SLOWLOG",
                "LATENCY",
                "MEMORY",
                "MODULE",
                "OBJECT_FREQ",
                "RESET",
                "FAILOVER",
                "ROLE",
                "LOLWUT");
    }

    private CommandTable() {}

    /** The spec of an upper-case command name, or null when the proxy does not know it. */
    public static CommandSpec lookup(String name) {
        return TABLE.get(name);
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
