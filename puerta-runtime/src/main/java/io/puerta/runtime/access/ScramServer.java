package io.puerta.runtime.access;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server side of one SCRAM-SHA-256 conversation (RFC 5802, RFC 7677), checked against the proxy's users: the
 * stored hash is SCRAM's salted password, so only HMACs are computed here (cheap enough for an event loop). A name
 * that is no user gets a made-up salt and fails at the proof, as a wrong password does, so names cannot be probed.
 * Not thread-safe: one conversation belongs to one client connection.
 */
public final class ScramServer {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Users users;
    private String username;
    private User user;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private String gs2Header;
    private byte[] saltedPassword;
    private User loggedIn;

    public ScramServer(Users users) {
        this.users = users;
    }

    /** The name the client gave in its first message, or null before it. */
    public String username() {
        return username;
    }

    /** The client's first message to the server's first. */
    public String first(String clientFirst) throws ScramFailure {
        if (!clientFirst.startsWith("n,")) {
            throw new ScramFailure("channel binding is not supported (expected a client-first message starting n,,)");
        }
        int bareStart = clientFirst.indexOf(',', 2);
        if (bareStart < 0) {
            throw new ScramFailure("malformed client-first message");
        }
        gs2Header = clientFirst.substring(0, bareStart + 1);
        clientFirstBare = clientFirst.substring(bareStart + 1);
        username = attribute(clientFirstBare, 'n').replace("=2C", ",").replace("=3D", "=");
        String clientNonce = attribute(clientFirstBare, 'r');
        byte[] serverNonce = new byte[24];
        RANDOM.nextBytes(serverNonce);
        nonce = clientNonce + Base64.getEncoder().encodeToString(serverNonce);
        user = users.get(username);
        byte[] salt;
        int iterations;
        if (user != null) {
            salt = user.password().salt();
            iterations = user.password().iterations();
            saltedPassword = user.password().saltedPassword();
        } else {
            salt = new byte[16];
            RANDOM.nextBytes(salt);
            iterations = PasswordHash.DEFAULT_ITERATIONS;
            saltedPassword = new byte[32];
            RANDOM.nextBytes(saltedPassword);
        }
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + iterations;
        return serverFirst;
    }

    /**
     * The client's final message to the server's final one, once the client has proven it knows the password.
     *
     * @return the server's final message, and {@link #user()} is the user logged in
     * @throws ScramFailure for a wrong password, an unknown user or a message out of order
     */
    public String last(String clientFinal) throws ScramFailure {
        if (serverFirst == null) {
            throw new ScramFailure("saslContinue before saslStart");
        }
        int proofAt = clientFinal.lastIndexOf(",p=");
        if (proofAt < 0) {
            throw new ScramFailure("malformed client-final message");
        }
        String withoutProof = clientFinal.substring(0, proofAt);
        String channel = attribute(withoutProof, 'c');
        String expectedChannel = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
        if (!channel.equals(expectedChannel) || !attribute(withoutProof, 'r').equals(nonce)) {
            throw new ScramFailure("the client-final message does not continue this conversation");
        }
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
        } catch (IllegalArgumentException e) {
            throw new ScramFailure("malformed proof");
        }
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        try {
            byte[] clientKey = hmac(saltedPassword, "Client Key");
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            byte[] signature = hmac(storedKey, authMessage);
            if (proof.length != signature.length) {
                throw new ScramFailure("wrong password");
            }
            byte[] claimedKey = new byte[signature.length];
            for (int i = 0; i < signature.length; i++) {
                claimedKey[i] = (byte) (proof[i] ^ signature[i]);
            }
            byte[] claimedStored = MessageDigest.getInstance("SHA-256").digest(claimedKey);
            if (user == null || !MessageDigest.isEqual(claimedStored, storedKey)) {
                throw new ScramFailure(user == null ? "no such user" : "wrong password");
            }
            byte[] serverKey = hmac(saltedPassword, "Server Key");
            loggedIn = user;
            return "v=" + Base64.getEncoder().encodeToString(hmac(serverKey, authMessage));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The user the conversation logged in, after {@link #last} succeeded. */
    public User user() {
        return loggedIn;
    }

    private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String attribute(String message, char name) throws ScramFailure {
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
                return part.substring(2);
            }
        }
        throw new ScramFailure("the message lacks '" + name + "='");
    }

    /** A conversation that cannot succeed; the message names what went wrong, never a secret. */
    public static final class ScramFailure extends Exception {
        public ScramFailure(String message) {
            super(message, null, false, false);
        }
    }
}
