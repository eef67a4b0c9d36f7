package io.puerta.runtime.access;

import io.puerta.runtime.audit.Audit;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the passwords clients log in to the proxy with. A password hash costs milliseconds of CPU by design, so
 * it is checked on threads of its own ({@code puerta-auth}, a bounded queue), never on an event loop; a password
 * that was right before is recognised at once by a keyed digest kept in memory, so a pool of connections logging in
 * costs one hash, not one per connection. Every login is audited (user and address, never the password), and
 * failures from one address beyond the first few are answered later and later ({@link FailureThrottle}).
 */
public final class Authenticator implements AutoCloseable {

    /**
     * How a login ended.
     *
     * @param user the user logged in as, or null when it failed
     * @param delayMillis how long to wait before answering a failure (slows guessing)
     * @param error for a failure, the error to answer (without the leading {@code -})
     */
    public record Outcome(User user, long delayMillis, String error) {}

    public static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";

    private volatile Users users;
    private final FailureThrottle throttle;
    private final ThreadPoolExecutor hashing;
    private final byte[] digestKey = new byte[32];
    private final Map<String, byte[]> recognised = new ConcurrentHashMap<>();
    /** Checked for unknown users, so that a wrong name costs as long as a wrong password (no user probing). */
    private final PasswordHash decoy = PasswordHash.of("decoy", PasswordHash.DEFAULT_ITERATIONS);

    public Authenticator(Users users) {
        this.users = users;
        this.throttle = new FailureThrottle(users.failuresBeforeDelay(), users.maxFailureDelay());
        new SecureRandom().nextBytes(digestKey);
        this.hashing = new ThreadPoolExecutor(1, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256), runnable -> {
            Thread thread = new Thread(runnable, "puerta-auth");
            thread.setDaemon(true);
            return thread;
        });
    }

    public Users users() {
        return users;
    }

    /**
     * The proxy's users from now on (a reload): logins are checked against them; a client logged in before keeps
     * the rights it logged in with until it logs in again. Passwords recognised before are forgotten.
     */
    public void users(Users next) {
        this.users = next;
        recognised.clear();
    }

    /** Whether clients must log in before anything else. */
    public boolean required() {
        return users.required();
    }

    /**
     * Checks a login. Completes at once for a password recognised from before, else on a {@code puerta-auth} thread.
     *
     * @param protocol the front door, for the audit trail
     * @param source the client's address
     */
    public CompletableFuture<Outcome> login(String protocol, String username, String password, String source) {
        User user = users.get(username);
        byte[] digest = digest(username, password);
        byte[] known = recognised.get(username);
        if (user != null && known != null && MessageDigest.isEqual(known, digest)) {
            return CompletableFuture.completedFuture(succeeded(protocol, user, source));
        }
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        try {
            hashing.execute(() -> {
                if (user == null) {
                    decoy.matches(password); // the same cost as a wrong password, so names cannot be probed
                }
                if (user != null && user.password().matches(password)) {
                    recognised.put(username, digest);
                    outcome.complete(succeeded(protocol, user, source));
                } else {
                    outcome.complete(
                            failed(protocol, username, source, user == null ? "no such user" : "wrong password"));
                }
            });
        } catch (RejectedExecutionException e) {
            outcome.complete(new Outcome(null, 0, "ERR too many logins at once; try again"));
        }
        return outcome;
    }

    /** Records a login checked elsewhere (a SCRAM conversation): audits it; for a failure, the delay to answer. */
    public Outcome record(String protocol, String username, String source, String failure) {
        return failure == null
                ? succeeded(protocol, users.get(username), source)
                : failed(protocol, username, source, failure);
    }

    private Outcome succeeded(String protocol, User user, String source) {
        throttle.succeeded(source);
        Audit.authentication(protocol, user.name(), source, null);
        return new Outcome(user, 0, null);
    }

    private Outcome failed(String protocol, String username, String source, String reason) {
        Audit.authentication(protocol, username, source, reason);
        return new Outcome(null, throttle.failed(source), WRONGPASS);
    }

    private byte[] digest(String username, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(digestKey, "HmacSHA256"));
            mac.update(username.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public void close() {
        hashing.shutdownNow();
    }
}
