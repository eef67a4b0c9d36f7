package io.puerta.runtime.backend.mongo;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of one SCRAM-SHA-256 conversation (RFC 5802, RFC 7677), as MongoDB runs it in {@code saslStart}
 * and {@code saslContinue}: the proxy authenticating its own backend connections. The JDK's crypto does the work;
 * this class only arranges the messages.
 */
public final class ScramSha256 {

    private static final int MIN_ITERATIONS = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String username;
    private final String password;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    public ScramSha256(String username, String password) {
        this(username, password, randomNonce());
    }

    /** With a given nonce: for tests against published conversations. */
    ScramSha256(String username, String password, String clientNonce) {
        this.username = username;
        this.password = password;
        this.clientNonce = clientNonce;
    }

    /** {@code n,,n=<user>,r=<nonce>}: the payload of saslStart. */
    public String clientFirst() {
        clientFirstBare = "n=" + username.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
        return "n,," + clientFirstBare;
    }

    /** The payload of the first saslContinue: the proof, computed from the server's first message. */
    public String clientFinal(String serverFirst) throws ScramException {
        String nonce = attribute(serverFirst, 'r');
        String salt = attribute(serverFirst, 's');
        int iterations;
        try {
            iterations = Integer.parseInt(attribute(serverFirst, 'i'));
        } catch (NumberFormatException e) {
            throw new ScramException("server sent an iteration count that is not a number: " + serverFirst);
        }
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw new ScramException("server nonce does not extend the client nonce");
        }
        if (iterations < MIN_ITERATIONS) {
            throw new ScramException(
                    "server asked for " + iterations + " iterations (at least " + MIN_ITERATIONS + ")");
        }
        try {
            byte[] saltedPassword =
                    pbkdf2(prepare(password), Base64.getDecoder().decode(salt), iterations);
            byte[] clientKey = hmac(saltedPassword, "Client Key");
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            String withoutProof = "c=biws,r=" + nonce;
            String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
            byte[] clientSignature = hmac(storedKey, authMessage);
            byte[] proof = new byte[clientKey.length];
            for (int i = 0; i < proof.length; i++) {
                proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
            }
            expectedServerSignature = hmac(hmac(saltedPassword, "Server Key"), authMessage);
            return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ScramException("cannot compute the proof: " + e.getMessage());
        }
    }

    /** Checks the server's final message: a server that does not know the password cannot sign it. */
    public void verifyServerFinal(String serverFinal) throws ScramException {
        if (serverFinal.startsWith("e=")) {
            throw new ScramException("server refused: " + serverFinal.substring(2));
        }
        byte[] signature = Base64.getDecoder().decode(attribute(serverFinal, 'v'));
        if (expectedServerSignature == null || !MessageDigest.isEqual(signature, expectedServerSignature)) {
            throw new ScramException("server signature does not match: the server does not know this user");
        }
    }

    private static String attribute(String message, char name) throws ScramException {
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
                return part.substring(2);
            }
        }
        throw new ScramException("server message lacks '" + name + "=': " + message);
    }

    static String prepare(String password) {
        return io.puerta.runtime.access.SaslPrep.prepare(password);
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) throws GeneralSecurityException {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(spec)
                .getEncoded();
    }

    private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String randomNonce() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** A conversation that cannot go on. */
    public static final class ScramException extends Exception {
        public ScramException(String message) {
            super(message);
        }
    }
}
