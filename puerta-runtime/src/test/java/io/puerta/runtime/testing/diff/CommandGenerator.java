package io.puerta.runtime.testing.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Random Redis commands over every data type, from a seed: strings, hashes, lists, sets, sorted sets, streams,
 * bitmaps, HyperLogLog, geo, expiry, scripts and transactions, on keys with and without hash tags. A command that
 * names several keys takes them from one hash-tag group, unless the proxy splits it (MGET, MSET, DEL, EXISTS,
 * UNLINK, TOUCH), so that it means the same on one server and on a cluster. Keys are few, so commands meet each
 * other's data; values are small, so the servers keep small encodings whose order does not depend on a hash seed.
 */
public final class CommandGenerator {

    private final Random random;
    private final List<Function<Random, List<String>>> makers = new ArrayList<>();

    public CommandGenerator(long seed) {
        this.random = new Random(seed);
        strings();
        hashes();
        lists();
        sets();
        sortedSets();
        streams();
        bitmapsAndHyperLogLogs();
        geo();
        expiry();
        scripts();
        keyspace();
    }

    /** The next command, or the commands of one transaction (MULTI ... EXEC). */
    public List<List<String>> next() {
        if (random.nextInt(40) == 0) {
            List<List<String>> transaction = new ArrayList<>();
            transaction.add(List.of("MULTI"));
            String group = group(random);
            int commands = 1 + random.nextInt(4);
            for (int i = 0; i < commands; i++) {
                transaction.add(inGroup(group));
            }
            transaction.add(List.of(random.nextInt(8) == 0 ? "DISCARD" : "EXEC"));
            return transaction;
        }
        return List.of(makers.get(random.nextInt(makers.size())).apply(random));
    }

    /** A command on keys of {@code group} only, for a transaction (whose keys must share a slot). */
    private List<String> inGroup(String group) {
        String member = "abc".charAt(random.nextInt(3)) + "";
        String key = "{" + group + "}" + member;
        return switch (random.nextInt(6)) {
            case 0 -> List.of("SET", "s:" + key, value(random));
            case 1 -> List.of("INCR", "n:" + key);
            case 2 -> List.of("GET", "s:" + key);
            case 3 -> List.of("HSET", "h:" + key, field(random), value(random));
            case 4 -> List.of("RPUSH", "l:" + key, value(random));
            default -> List.of("MGET", "s:{" + group + "}a", "s:{" + group + "}b");
        };
    }

    private void add(Function<Random, List<String>> maker) {
        makers.add(maker);
    }

    private void strings() {
        add(r -> List.of("SET", key(r, "s"), value(r)));
        add(r -> List.of("SET", key(r, "s"), value(r), pick(r, "NX", "XX", "GET", "KEEPTTL")));
        add(r -> List.of("GET", key(r, "s")));
        add(r -> List.of("APPEND", key(r, "s"), value(r)));
        add(r -> List.of("INCR", key(r, "n")));
        add(r -> List.of("INCRBY", key(r, "n"), Integer.toString(r.nextInt(200) - 100)));
        add(r -> List.of("INCRBYFLOAT", key(r, "n"), "1.5"));
        add(r -> List.of("DECR", key(r, "n")));
        add(r -> List.of("STRLEN", key(r, "s")));
        add(r -> List.of("GETRANGE", key(r, "s"), "0", Integer.toString(r.nextInt(5))));
        add(r -> List.of("SETRANGE", key(r, "s"), Integer.toString(r.nextInt(4)), value(r)));
        add(r -> List.of("GETDEL", key(r, "s")));
        add(r -> List.of("SETNX", key(r, "s"), value(r)));
        add(r -> List.of("MSET", key(r, "s"), value(r), key(r, "s"), value(r), key(r, "s"), value(r)));
        add(r -> List.of("MGET", key(r, "s"), key(r, "s"), key(r, "s")));
        add(r -> {
            String g = group(r);
            return List.of("MSETNX", "s:{" + g + "}a", value(r), "s:{" + g + "}b", value(r));
        });
        add(r -> List.of("GET", key(r, "s"), "extra")); // wrong arity
        add(r -> List.of("INCR", key(r, "s"))); // not an integer, often
    }

    private void hashes() {
        add(r -> List.of("HSET", key(r, "h"), field(r), value(r), field(r), value(r)));
        add(r -> List.of("HGET", key(r, "h"), field(r)));
        add(r -> List.of("HMGET", key(r, "h"), field(r), field(r)));
        add(r -> List.of("HDEL", key(r, "h"), field(r)));
        add(r -> List.of("HLEN", key(r, "h")));
        add(r -> List.of("HINCRBY", key(r, "h"), "count", Integer.toString(r.nextInt(10))));
        add(r -> List.of("HINCRBYFLOAT", key(r, "h"), "ratio", "0.25"));
        add(r -> List.of("HEXISTS", key(r, "h"), field(r)));
        add(r -> List.of("HGETALL", key(r, "h")));
        add(r -> List.of("HKEYS", key(r, "h")));
        add(r -> List.of("HSETNX", key(r, "h"), field(r), value(r)));
        add(r -> List.of("HSTRLEN", key(r, "h"), field(r)));
    }

    private void lists() {
        add(r -> List.of(pick(r, "LPUSH", "RPUSH"), key(r, "l"), value(r), value(r)));
        add(r -> List.of(pick(r, "LPOP", "RPOP"), key(r, "l")));
        add(r -> List.of("LPOP", key(r, "l"), "2"));
        add(r -> List.of("LRANGE", key(r, "l"), "0", "-1"));
        add(r -> List.of("LLEN", key(r, "l")));
        add(r -> List.of("LINDEX", key(r, "l"), Integer.toString(r.nextInt(4) - 2)));
        add(r -> List.of("LREM", key(r, "l"), "0", value(r)));
        add(r -> List.of("LTRIM", key(r, "l"), "0", "5"));
        add(r -> List.of("LPOS", key(r, "l"), value(r)));
        add(r -> List.of("LSET", key(r, "l"), "0", value(r)));
        add(r -> {
            String g = group(r);
            return List.of("LMOVE", "l:{" + g + "}a", "l:{" + g + "}b", pick(r, "LEFT", "RIGHT"), "LEFT");
        });
        add(r -> {
            String g = group(r);
            return List.of("RPOPLPUSH", "l:{" + g + "}b", "l:{" + g + "}a");
        });
        add(r -> List.of("BLPOP", key(r, "l"), "0.01"));
    }

    private void sets() {
        add(r -> List.of("SADD", key(r, "S"), value(r), value(r)));
        add(r -> List.of("SREM", key(r, "S"), value(r)));
        add(r -> List.of("SMEMBERS", key(r, "S")));
        add(r -> List.of("SISMEMBER", key(r, "S"), value(r)));
        add(r -> List.of("SMISMEMBER", key(r, "S"), value(r), value(r)));
        add(r -> List.of("SCARD", key(r, "S")));
        add(r -> {
            String g = group(r);
            return List.of(pick(r, "SINTER", "SUNION", "SDIFF"), "S:{" + g + "}a", "S:{" + g + "}b");
        });
        add(r -> {
            String g = group(r);
            return List.of("SUNIONSTORE", "S:{" + g + "}c", "S:{" + g + "}a", "S:{" + g + "}b");
        });
        add(r -> {
            String g = group(r);
            return List.of("SINTERCARD", "2", "S:{" + g + "}a", "S:{" + g + "}b");
        });
    }

    private void sortedSets() {
        add(r -> List.of("ZADD", key(r, "z"), Integer.toString(r.nextInt(20)), value(r)));
        add(r -> List.of("ZADD", key(r, "z"), "INCR", "2.5", value(r)));
        add(r -> List.of("ZSCORE", key(r, "z"), value(r)));
        add(r -> List.of("ZINCRBY", key(r, "z"), "1.5", value(r)));
        add(r -> List.of("ZRANGE", key(r, "z"), "0", "-1", "WITHSCORES"));
        add(r -> List.of("ZRANGEBYSCORE", key(r, "z"), "-inf", "+inf"));
        add(r -> List.of("ZREVRANGE", key(r, "z"), "0", "2"));
        add(r -> List.of("ZRANK", key(r, "z"), value(r)));
        add(r -> List.of("ZREM", key(r, "z"), value(r)));
        add(r -> List.of("ZCARD", key(r, "z")));
        add(r -> List.of("ZCOUNT", key(r, "z"), "0", "10"));
        add(r -> List.of("ZPOPMIN", key(r, "z")));
        add(r -> List.of("ZMSCORE", key(r, "z"), value(r), value(r)));
        add(r -> {
            String g = group(r);
            return List.of("ZUNIONSTORE", "z:{" + g + "}c", "2", "z:{" + g + "}a", "z:{" + g + "}b");
        });
        add(r -> {
            String g = group(r);
            return List.of("ZINTER", "2", "z:{" + g + "}a", "z:{" + g + "}b", "WITHSCORES");
        });
    }

    private void streams() {
        add(r -> List.of("XADD", key(r, "x"), (1 + r.nextInt(50)) + "-" + r.nextInt(3), field(r), value(r)));
        add(r -> List.of("XLEN", key(r, "x")));
        add(r -> List.of("XRANGE", key(r, "x"), "-", "+"));
        add(r -> List.of("XREVRANGE", key(r, "x"), "+", "-", "COUNT", "2"));
        add(r -> List.of("XTRIM", key(r, "x"), "MAXLEN", "3"));
        add(r -> List.of("XREAD", "COUNT", "2", "STREAMS", key(r, "x"), "0"));
    }

    private void bitmapsAndHyperLogLogs() {
        add(r -> List.of("SETBIT", key(r, "b"), Integer.toString(r.nextInt(64)), pick(r, "0", "1")));
        add(r -> List.of("GETBIT", key(r, "b"), Integer.toString(r.nextInt(64))));
        add(r -> List.of("BITCOUNT", key(r, "b")));
        add(r -> List.of("BITPOS", key(r, "b"), "1"));
        add(r -> {
            String g = group(r);
            return List.of("BITOP", pick(r, "AND", "OR", "XOR"), "b:{" + g + "}c", "b:{" + g + "}a", "b:{" + g + "}b");
        });
        add(r -> List.of("PFADD", key(r, "p"), value(r), value(r)));
        add(r -> List.of("PFCOUNT", key(r, "p")));
        add(r -> {
            String g = group(r);
            return List.of("PFMERGE", "p:{" + g + "}c", "p:{" + g + "}a", "p:{" + g + "}b");
        });
    }

    private void geo() {
        add(r -> List.of(
                "GEOADD",
                key(r, "g"),
                String.format(java.util.Locale.ROOT, "%.4f", 13 + r.nextDouble() * 2),
                String.format(java.util.Locale.ROOT, "%.4f", 37 + r.nextDouble()),
                value(r)));
        add(r -> List.of("GEODIST", key(r, "g"), value(r), value(r), "km"));
        add(r -> List.of("GEOPOS", key(r, "g"), value(r)));
        add(r -> List.of("GEOSEARCH", key(r, "g"), "FROMLONLAT", "14", "37.5", "BYRADIUS", "300", "km", "ASC"));
        add(r -> {
            String g = group(r);
            return List.of("GEORADIUS", "g:{" + g + "}a", "14", "37.5", "300", "km", "STORE", "z:{" + g + "}near");
        });
    }

    private void expiry() {
        add(r -> List.of("EXPIRE", anyKey(r), Integer.toString(1000 + r.nextInt(1000))));
        add(r -> List.of("PERSIST", anyKey(r)));
        add(r -> List.of("TTL", anyKey(r)));
        add(r -> List.of("PTTL", anyKey(r)));
        add(r -> List.of("SET", key(r, "s"), value(r), "EX", "5000"));
    }

    private void scripts() {
        add(r -> List.of("EVAL", "return redis.call('GET', KEYS[1])", "1", key(r, "s")));
        add(r -> {
            String g = group(r);
            return List.of(
                    "EVAL",
                    "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('INCR', KEYS[2])",
                    "2",
                    "s:{" + g + "}a",
                    "n:{" + g + "}b",
                    value(r));
        });
        add(r -> List.of("EVAL", "return {1, 'two', 3.5, false}", "0"));
        add(r -> List.of("EVAL", "return redis.call('HGETALL', KEYS[1])", "1", key(r, "h")));
    }

    private void keyspace() {
        add(r -> List.of("DEL", anyKey(r), anyKey(r), anyKey(r)));
        add(r -> List.of("EXISTS", anyKey(r), anyKey(r)));
        add(r -> List.of("UNLINK", anyKey(r)));
        add(r -> List.of("TOUCH", anyKey(r), anyKey(r)));
        add(r -> List.of("TYPE", anyKey(r)));
        add(r -> List.of("DBSIZE"));
        add(r -> List.of("KEYS", "*"));
        add(r -> List.of("ECHO", value(r)));
        add(r -> List.of("PING"));
        add(r -> {
            String g = group(r);
            return List.of("RENAME", "s:{" + g + "}a", "s:{" + g + "}b");
        });
        add(r -> {
            String g = group(r);
            return List.of("COPY", "h:{" + g + "}a", "h:{" + g + "}c", "REPLACE");
        });
        add(r -> List.of("SCAN", "0", "MATCH", pick(r, "*", "s:*", "*{g1}*"))); // compared as a whole walk
        add(r -> List.of("OBJECT", "ENCODING", anyKey(r)));
        add(r -> List.of("SELECT", "0"));
        add(r -> List.of("CLIENT", "SETNAME", "diff-" + value(r)));
        add(r -> List.of("CLIENT", "GETNAME"));
        // what the proxy answers differently on purpose (see docs/commands.md), none of which changes data:
        // multi-key reads over keys of different slots or servers, and a command nobody knows
        add(r -> List.of(pick(r, "SINTER", "SUNION", "SDIFF"), "S:k" + r.nextInt(8), "S:k" + r.nextInt(8)));
        add(r -> List.of("PFCOUNT", "p:k" + r.nextInt(8), "p:k" + r.nextInt(8)));
        add(r -> List.of("FROBNICATE", anyKey(r)));
    }

    private static String pick(Random r, String... choices) {
        return choices[r.nextInt(choices.length)];
    }

    private static String group(Random r) {
        return "g" + r.nextInt(4);
    }

    /** A key of one type (its prefix), tagged one time in three. */
    private static String key(Random r, String type) {
        if (r.nextInt(20) == 0) {
            type = pick(r, "s", "h", "l", "S", "z"); // now and then the wrong type: WRONGTYPE compared too
        }
        if (r.nextInt(3) == 0) {
            return type + ":{" + group(r) + "}" + "abc".charAt(r.nextInt(3));
        }
        return type + ":k" + r.nextInt(8);
    }

    private static String anyKey(Random r) {
        return key(r, pick(r, "s", "n", "h", "l", "S", "z", "x", "b", "p", "g"));
    }

    private static String field(Random r) {
        return "f" + r.nextInt(4);
    }

    private static String value(Random r) {
        return "v" + r.nextInt(6);
    }
}
