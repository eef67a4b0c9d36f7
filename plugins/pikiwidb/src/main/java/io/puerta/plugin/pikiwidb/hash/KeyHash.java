package io.puerta.plugin.pikiwidb.hash;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The key hashes of twemproxy, bit for bit, so that a key lands on the same server under Puerta as under
 * nutcracker. Every hash returns an unsigned 32-bit value in an {@code int}.
 *
 * <p>Several of twemproxy's hashes read the key as C {@code char}s, which are signed on x86: a byte of 0x80 or more
 * enters the hash sign-extended. That is reproduced here, since changing it would move non-ASCII keys.
 */
public enum KeyHash {
    ONE_AT_A_TIME("one_at_a_time") {
        @Override
        public int hash(byte[] key, int offset, int length) {
            int value = 0;
            for (int i = offset; i < offset + length; i++) {
                value += key[i]; // sign-extended, as twemproxy's char
                value += value << 10;
                value ^= value >>> 6;
            }
            value += value << 3;
            value ^= value >>> 11;
            value += value << 15;
            return value;
        }
    },
    MD5("md5") {
        @Override
        public int hash(byte[] key, int offset, int length) {
            byte[] digest = Md5.digest(key, offset, length);
            return Md5.littleEndianWord(digest, 0);
        }
    },
    CRC32("crc32") {
        @Override
        public int hash(byte[] key, int offset, int length) {
            // libmemcached's variant: the top 15 bits of the inverted CRC, and bytes sign-extended
            int crc = 0xffffffff;
            for (int i = offset; i < offset + length; i++) {
                crc = (crc >>> 8) ^ Crc32Table.TABLE[(crc ^ key[i]) & 0xff];
            }
            return ((~crc) >>> 16) & 0x7fff;
        }
    },
    CRC32A("crc32a") {
        @Override
        public int hash(byte[] key, int offset, int length) {
            int crc = 0xffffffff;
            for (int i = offset; i < offset + length; i++) {
                crc = Crc32Table.TABLE[(crc ^ (key[i] & 0xff)) & 0xff] ^ (crc >>> 8);
            }
            return ~crc;
        }
    },
    FNV1_64("fnv1_64") {
        @Override
        public int hash(byte[] key, int offset, int length) {
            long hash = FNV_64_INIT;
            for (int i = offset; i < offset + length; i++) {
                hash *= FNV_64_PRIME;
                hash ^= key[i]; // sign-extended to 64 bits
            }
            return (int) hash;
        }
    },
    FNV1A_64("fnv1a_64") {
        @Override
        public int hash(byte[] key, int offset, int length) {
            // twemproxy truncates both the 64-bit offset basis and prime to 32 bits and computes in 32 bits
            int hash = (int) FNV_64_INIT;
            for (int i = offset; i < offset + length; i++) {
                hash ^= key[i];
                hash *= (int) FNV_64_PRIME;
            }
            return hash;
        }
    },
    FNV1_32("fnv1_32") {
        @Override
        public int hash(byte[] key, int offset, int length) {
            int hash = FNV_32_INIT;
            for (int i = offset; i < offset + length; i++) {
                hash *= FNV_32_PRIME;
                hash ^= key[i];
            }
            return hash;
        }
    },
    FNV1A_32("fnv1a_32") {
        @Override
        public int hash(byte[] key, int offset, int length) {
            int hash = FNV_32_INIT;
            for (int i = offset; i < offset + length; i++) {
                hash ^= key[i];
                hash *= FNV_32_PRIME;
            }
            return hash;
        }
    },
    JENKINS("jenkins") {
        @Override
        public int hash(byte[] key, int offset, int length) {
            return Jenkins.hash(key, offset, length);
        }
    },
    MURMUR("murmur") {
        @Override
        public int hash(byte[] key, int offset, int length) {
            return Murmur2.hash(key, offset, length);
        }
    };

    private static final long FNV_64_INIT = 0xcbf29ce484222325L;
    private static final long FNV_64_PRIME = 0x100000001b3L;
    private static final int FNV_32_INIT = 0x811c9dc5;
    private static final int FNV_32_PRIME = 16777619;

    private final String configName;

    KeyHash(String configName) {
        this.configName = configName;
    }

    /** The hash of {@code key[offset, offset + length)} as an unsigned 32-bit value. */
    public abstract int hash(byte[] key, int offset, int length);

    public final int hash(byte[] key) {
        return hash(key, 0, key.length);
    }

    /** The name twemproxy's configuration uses. */
    public String configName() {
        return configName;
    }

    public static Optional<KeyHash> fromConfigName(String name) {
        return Arrays.stream(values()).filter(h -> h.configName.equals(name)).findFirst();
    }

    public static String choices() {
        return Arrays.stream(values()).map(KeyHash::configName).collect(Collectors.joining(", "));
    }
}
