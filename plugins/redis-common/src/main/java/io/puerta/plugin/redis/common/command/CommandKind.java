package io.puerta.plugin.redis.common.command;

/** How a sharding proxy must treat a command. */
public enum CommandKind {
    /** Keys at fixed positions ({@link CommandSpec#firstKey()} .. lastKey, every step); all must share a server. */
    KEYED,
    /** Keys as above, split per server and merged (MGET, MSET, DEL, UNLINK, EXISTS, TOUCH). */
    SPLITTABLE,
    /** {@code numkeys} at {@link CommandSpec#firstKey()}, keys after it (EVAL, ZUNION, ...); must share a server. */
    NUMKEYS,
    /** Answered or fanned out by the proxy itself (PING, DBSIZE, SCAN, ...). */
    PROXY,
    /** Cannot work through a sharding proxy (MULTI, blocking pops, pub/sub, ...): refused with a reason. */
    REFUSED
}
