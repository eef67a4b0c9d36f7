package io.puerta.plugin.pikiwidb.hash;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** MD5 digests and the little-endian words ketama takes from them. */
public final class Md5 {

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides MD5", e);
        }
    });

    private Md5() {}

    public static byte[] digest(byte[] bytes, int offset, int length) {
        MessageDigest md5 = MD5.get();
        md5.update(bytes, offset, length);
        return md5.digest();
    }

    /** Bytes {@code 4*word .. 4*word+3} of a digest as a little-endian unsigned 32-bit value. */
    public static int littleEndianWord(byte[] digest, int word) {
        int base = word * 4;
        return (digest[base + 3] & 0xff) << 24
                | (digest[base + 2] & 0xff) << 16
                | (digest[base + 1] & 0xff) << 8
                | (digest[base] & 0xff);
    }
}
