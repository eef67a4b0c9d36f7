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
    /** Publish/subscribe (SUBSCRIBE, PUBLISH, ...): the router handles each by name. */
    PUBSUB,
    /** MULTI, EXEC, DISCARD, WATCH, UNWATCH: the router keeps the client's transaction. */
    TRANSACTION,
    /** Cannot work through a sharding proxy: refused with a reason. */
    REFUSED
}
