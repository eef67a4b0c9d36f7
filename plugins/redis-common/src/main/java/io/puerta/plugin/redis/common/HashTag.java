package io.puerta.plugin.redis.common;

/**
 * The part of a key that is hashed when it has a hash tag: the bytes between the first {@code open} character and
 * the first {@code close} character after it, when that is not empty. Redis Cluster, codis and twemproxy all
 * read tags this way ({@code {user42}:name}); only the characters may differ.
 */
public final class HashTag {

    private HashTag() {}

    /** {@code [start, end)} of the part of {@code key} to hash: the tag's content, or the whole key. */
    public static int[] span(byte[] key, byte open, byte close) {
        int from = indexOf(key, open, 0);
        if (from >= 0) {
            int to = indexOf(key, close, from + 1);
            if (to > from + 1) {
                return new int[] {from + 1, to};
            }
        }
        return new int[] {0, key.length};
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
