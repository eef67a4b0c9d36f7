package io.puerta.plugin.pikiwidb.hash;

/** The reflected CRC-32 table (polynomial 0xEDB88320), computed once. */
final class Crc32Table {

    static final int[] TABLE = new int[256];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
            }
            TABLE[n] = c;
        }
    }

    private Crc32Table() {}
}
