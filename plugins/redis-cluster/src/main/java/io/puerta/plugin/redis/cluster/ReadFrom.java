package io.puerta.plugin.redis.cluster;

import java.util.Locale;

/** Where read-only commands go: {@code puerta.redis-cluster.read-from}. */
enum ReadFrom {
    /** Every command to the slot's master. */
    MASTER,
    /** A healthy replica of the slot, else the master. */
    PREFER_REPLICA,
    /** The master and its healthy replicas in turn. */
    ANY;

    /** The setting's value ("master", "prefer-replica", "any"), or null if it is none of them. */
    static ReadFrom parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "master" -> MASTER;
            case "prefer-replica" -> PREFER_REPLICA;
            case "any" -> ANY;
            default -> null;
        };
    }
}
