package io.puerta.plugin.pikiwidb.hash;

/**
 * MurmurHash2 with the seed twemproxy uses ({@code 0xdeadbeef * length}), reading 4-byte blocks little-endian
 * as it does on x86.
 */
final class Murmur2 {

    private static final int M = 0x5bd1e995;
    private static final int R = 24;

    private Murmur2() {}

    static int hash(byte[] key, int offset, int length) {
        int seed = 0xdeadbeef * length;
        int h = seed ^ length;
        int i = offset;
        int remaining = length;
        while (remaining >= 4) {
            int k = (key[i] & 0xff) | (key[i + 1] & 0xff) << 8 | (key[i + 2] & 0xff) << 16 | (key[i + 3] & 0xff) << 24;
            k *= M;
            k ^= k >>> R;
            k *= M;
            h *= M;
            h ^= k;
            i += 4;
            remaining -= 4;
        }
        switch (remaining) {
            case 3:
                h ^= (key[i + 2] & 0xff) << 16;
                // fall through
            case 2:
                h ^= (key[i + 1] & 0xff) << 8;
                // fall through
            case 1:
                h ^= key[i] & 0xff;
                h *= M;
                break;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= M;
        h ^= h >>> 15;
        return h;
    }
}
