package io.puerta.plugin.mongo.affinity.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server side of SCRAM-SHA-256 (RFC 5802), for a test server that must check the proxy's credentials the way a
 * mongos does: it derives the stored and server keys from the password and verifies the client's proof.
 */
final class ScramServer {

    private static final int ITERATIONS = 4096;

    private final String user;
    private final byte[] salt = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
    private final byte[] storedKey;
    private final byte[] serverKey;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;

    ScramServer(String user, String password) {
        this.user = user;
        try {
            byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 256))
                    .getEncoded();
            this.storedKey = MessageDigest.getInstance("SHA-256").digest(hmac(salted, "Client Key"));
            this.serverKey = hmac(salted, "Server Key");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The server-first message for the client-first one; null for an unknown user. */
    String first(String clientFirst) {
        clientFirstBare = clientFirst.substring(clientFirst.indexOf(",,") + 2);
        String name = attribute(clientFirstBare, 'n');
        if (!user.equals(name)) {
            return null;
        }
        nonce = attribute(clientFirstBare, 'r') + UUID.randomUUID();
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + ITERATIONS;
        return serverFirst;
    }

    /** The server-final message ({@code v=...}) if the proof is right, else null. */
    String last(String clientFinal) {
        int proofAt = clientFinal.lastIndexOf(",p=");
        String withoutProof = clientFinal.substring(0, proofAt);
        if (!("r=" + nonce).equals(withoutProof.substring(withoutProof.indexOf(",r=") + 1))) {
            return null;
        }
        byte[] proof = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        try {
            byte[] signature = hmac(storedKey, authMessage);
            byte[] clientKey = new byte[proof.length];
            for (int i = 0; i < proof.length; i++) {
                clientKey[i] = (byte) (proof[i] ^ signature[i]);
            }
            if (!MessageDigest.isEqual(MessageDigest.getInstance("SHA-256").digest(clientKey), storedKey)) {
                return null;
            }
            return "v=" + Base64.getEncoder().encodeToString(hmac(serverKey, authMessage));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String attribute(String message, char name) {
        for (String part : message.split(",")) {
            if (part.length() > 1 && part.charAt(0) == name && part.charAt(1) == '=') {
                return part.substring(2);
            }
        }
        return "";
    }

    private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }
}
