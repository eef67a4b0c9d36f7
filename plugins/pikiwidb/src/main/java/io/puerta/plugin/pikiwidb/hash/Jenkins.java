package io.puerta.plugin.pikiwidb.hash;

/** Bob Jenkins' lookup3 {@code hashlittle} with twemproxy's initial value (13), reading bytes little-endian. */
final class Jenkins {

    private static final int INITVAL = 13;

    private Jenkins() {}

    static int hash(byte[] k, int offset, int length) {
        int a = 0xdeadbeef + length + INITVAL;
        int b = a;
        int c = a;
        int i = offset;
        int remaining = length;
        while (remaining > 12) {
            a += word(k, i);
            b += word(k, i + 4);
            c += word(k, i + 8);
            // mix(a, b, c)
            a -= c;
            a ^= Integer.rotateLeft(c, 4);
            c += b;
            b -= a;
            b ^= Integer.rotateLeft(a, 6);
            a += c;
            c -= b;
            c ^= Integer.rotateLeft(b, 8);
            b += a;
            a -= c;
            a ^= Integer.rotateLeft(c, 16);
            c += b;
            b -= a;
            b ^= Integer.rotateLeft(a, 19);
            a += c;
            c -= b;
            c ^= Integer.rotateLeft(b, 4);
            b += a;
            remaining -= 12;
            i += 12;
        }
        if (remaining == 0) {
            return c; // lookup3 returns without the final mix for an empty last block
        }
        // the last block: bytes beyond the key count as zero
        c += partialWord(k, i + 8, remaining - 8);
        b += partialWord(k, i + 4, remaining - 4);
        a += partialWord(k, i, remaining);
        // final(a, b, c)
        c ^= b;
        c -= Integer.rotateLeft(b, 14);
        a ^= c;
        a -= Integer.rotateLeft(c, 11);
        b ^= a;
        b -= Integer.rotateLeft(a, 25);
        c ^= b;
        c -= Integer.rotateLeft(b, 16);
        a ^= c;
        a -= Integer.rotateLeft(c, 4);
        b ^= a;
        b -= Integer.rotateLeft(a, 14);
        c ^= b;
        c -= Integer.rotateLeft(b, 24);
        return c;
    }

    private static int word(byte[] k, int i) {
        return (k[i] & 0xff) | (k[i + 1] & 0xff) << 8 | (k[i + 2] & 0xff) << 16 | (k[i + 3] & 0xff) << 24;
    }

    /** Up to four bytes from {@code i}, little-endian; {@code available} below 1 gives 0. */
    private static int partialWord(byte[] k, int i, int available) {
        int n = Math.min(4, available);
        int w = 0;
        for (int j = 0; j < n; j++) {
            w |= (k[i + j] & 0xff) << (8 * j);
        }
        return w;
    }
}
