package io.puerta.plugin.pikiwidb.ring;

import io.puerta.plugin.pikiwidb.hash.KeyHash;
import io.puerta.plugin.redis.common.HashTag;

/**
 * Which server owns a key: the hash tag is applied, the key hashed, and the distribution consulted, in twemproxy's
 * order. An empty key, or a ring of one server, short-cuts as in twemproxy.
 */
public final class KeyRing {

    private final KeyHash hash;
    private final Distribution distribution;
    private final byte[] hashTag;
    private final int liveServers;
    private final int onlyServer;

    public KeyRing(KeyHash hash, Distribution distribution, String hashTag, int liveServers, int onlyServer) {
        this.hash = hash;
        this.distribution = distribution;
        this.hashTag = hashTag.isEmpty() ? null : hashTag.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.liveServers = liveServers;
        this.onlyServer = onlyServer;
    }

    public int serverFor(byte[] key) {
        if (liveServers == 1) {
            return onlyServer;
        }
        int start = 0;
        int length = key.length;
        if (hashTag != null) {
            int[] span = HashTag.span(key, hashTag[0], hashTag[1]);
            start = span[0];
            length = span[1] - span[0];
        }
        int h = length == 0 ? 0 : hash.hash(key, start, length);
        return distribution.select(h);
    }
}
