package io.puerta.runtime.access;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A salted password hash, {@code pbkdf2-sha256:ITERATIONS:SALT:HASH} (salt and hash in base64): PBKDF2 with
 * HMAC-SHA-256, 32 bytes. The hash is what SCRAM-SHA-256 calls the salted password, so one stored value lets a
 * user log in with RESP's {@code AUTH} and with a MongoDB driver's SCRAM alike. {@code toString} shows no part of it.
 */
public final class PasswordHash {

    static final String SCHEME = "pbkdf2-sha256";
    /** As MongoDB's SCRAM-SHA-256 default: a guess costs an attacker about 10 ms of CPU. */
    public static final int DEFAULT_ITERATIONS = 15_000;
    /** SCRAM's minimum (RFC 7677). */
    static final int MIN_ITERATIONS = 4096;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] salt;
    private final byte[] salted;

    private PasswordHash(int iterations, byte[] salt, byte[] salted) {
        this.iterations = iterations;
        this.salt = salt;
        this.salted = salted;
    }

    /** A new hash of {@code password} with a random salt. */
    public static PasswordHash of(String password, int iterations) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return new PasswordHash(iterations, salt, pbkdf2(password, salt, iterations));
    }

    /** Whether {@code text} looks like a stored hash rather than a plain-text password. */
    public static boolean looksLikeHash(String text) {
        return text.startsWith(SCHEME + ":");
    }

    /**
     * Reads a stored hash.
     *
     * @throws IllegalArgumentException naming what is wrong (never echoing the value)
     */
    public static PasswordHash parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw new IllegalArgumentException(
                    "expected " + SCHEME + ":ITERATIONS:SALT:HASH (bin/puerta hash-password makes one)");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the iteration count is not a number");
        }
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("at least " + MIN_ITERATIONS + " iterations are needed");
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] salted = Base64.getDecoder().decode(parts[3]);
            if (salt.length < 8 || salted.length != 32) {
                throw new IllegalArgumentException("the salt (8+ bytes) or the hash (32 bytes) has the wrong length");
            }
            return new PasswordHash(iterations, salt, salted);
        } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && e.getMessage().startsWith("the salt")
                    ? e
                    : new IllegalArgumentException("the salt or the hash is not base64");
        }
    }

    /** The stored form, {@code pbkdf2-sha256:ITERATIONS:SALT:HASH}. */
    public String encoded() {
        Base64.Encoder b64 = Base64.getEncoder();
        return SCHEME + ":" + iterations + ":" + b64.encodeToString(salt) + ":" + b64.encodeToString(salted);
    }

    /** Whether {@code password} is the one hashed here. Costs {@link #iterations} HMACs: never on an event loop. */
    public boolean matches(String password) {
        return !password.isEmpty() && MessageDigest.isEqual(salted, pbkdf2(password, salt, iterations));
    }

    int iterations() {
        return iterations;
    }

    byte[] salt() {
        return salt.clone();
    }

    /** SCRAM's SaltedPassword. */
    byte[] saltedPassword() {
        return salted.clone();
    }

    /** PBKDF2-HMAC-SHA-256 with a 32-byte result (one block), written out so no provider quirk changes it. */
    static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // SASLprep first, as a SCRAM client does: the same hash serves AUTH and SCRAM
            byte[] key = SaslPrep.prepare(password).getBytes(StandardCharsets.UTF_8);
            if (key.length == 0) {
                throw new IllegalArgumentException("an empty password cannot be hashed");
            }
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(salt);
            byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
            byte[] result = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = mac.doFinal(u);
                for (int j = 0; j < result.length; j++) {
                    result[j] ^= u[j];
                }
            }
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "PasswordHash[hidden]";
    }
}
