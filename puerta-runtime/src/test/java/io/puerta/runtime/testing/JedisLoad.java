package io.puerta.runtime.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The fault suite's load: several threads, each with its own Jedis connection to the proxy and its own keys, each
 * doing SET then GET on a random key of its own, for as long as it runs (bounded by a count and a deadline). Every
 * acknowledged write is remembered with when it was acknowledged; a write that failed is remembered as maybe
 * applied. A GET must return the last acknowledged value or a later write that may have been applied, else it is a
 * wrong reply; {@link #verify} reads every key at the end the same way.
 *
 * <p>A write the servers themselves lose (Redis replicates asynchronously, so a master killed right after it
 * acknowledged a write may take it with it) is told apart by {@code serverMayLose}: a predicate on the key and
 * the time it was acknowledged that the scenario gives, true only for keys the failed server owned, acknowledged
 * in the short time before the fault when replication could not have caught up. Every other missing write is the
 * proxy's.
 */
public final class JedisLoad implements AutoCloseable {

    private record Write(String value, long atNanos) {}

    private final int port;
    private final FaultClock clock;
    private final int keysPerThread;
    private final Map<String, Write> acknowledged = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> maybeApplied = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong wrong = new AtomicLong();
    private final AtomicLong lostByServers = new AtomicLong();
    private final List<String> wrongSamples = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = new ArrayList<>();
    private volatile BiPredicate serverMayLose = (key, at) -> false;

    /** Whether the servers may have lost the write of {@code key} acknowledged at {@code atNanos}. */
    @FunctionalInterface
    public interface BiPredicate {
        boolean test(String key, long atNanos);
    }

    public JedisLoad(int port, FaultClock clock, int threads, int keysPerThread, String prefix) {
        this.port = port;
        this.clock = clock;
        this.keysPerThread = keysPerThread;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); // a hard bound on any scenario
        for (int t = 0; t < threads; t++) {
            int worker = t;
            Thread thread = new Thread(() -> run(prefix + worker + ":", worker, deadline), "load-" + t);
            thread.setDaemon(true);
            this.threads.add(thread);
        }
    }

    public JedisLoad serverMayLose(BiPredicate rule) {
        this.serverMayLose = rule;
        return this;
    }

    public JedisLoad start() {
        threads.forEach(Thread::start);
        return this;
    }

    public long operations() {
        return operations.get();
    }

    public long wrongReplies() {
        return wrong.get();
    }

    public List<String> wrongSamples() {
        return List.copyOf(wrongSamples);
    }

    public long lostByServers() {
        return lostByServers.get();
    }

    /** Waits until the load has made {@code count} more operations (or 30 s passed). */
    public void awaitOperations(long count) {
        long target = operations.get() + count;
        Await.until(
                count + " more operations of the load",
                java.time.Duration.ofSeconds(30),
                () -> operations.get() >= target);
    }

    private void run(String prefix, int worker, long deadline) {
        java.util.Random random = new java.util.Random(worker);
        Jedis jedis = null;
        for (long n = 1; running.get() && n < 5_000_000 && System.nanoTime() < deadline; n++) {
            String key = prefix + random.nextInt(keysPerThread);
            String value = worker + "-" + n;
            try {
                if (jedis == null) {
                    jedis = new Jedis("127.0.0.1", port, 5_000);
                }
                operations.incrementAndGet();
                maybeApplied
                        .computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet())
                        .add(value);
                if ("OK".equals(jedis.set(key, value))) {
                    acknowledged.put(key, new Write(value, System.nanoTime()));
                    maybeApplied.get(key).clear();
                }
                operations.incrementAndGet();
                check(key, jedis.get(key));
            } catch (JedisConnectionException e) {
                clock.error(e.getMessage());
                jedis = close(jedis);
            } catch (JedisException e) {
                clock.error(e.getMessage());
            }
        }
        close(jedis);
    }

    private static Jedis close(Jedis jedis) {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // the connection is gone already
            }
        }
        return null;
    }

    /** A value read for {@code key} must be its last acknowledged write or a later one that may have been applied. */
    private boolean check(String key, String seen) {
        Write last = acknowledged.get(key);
        Set<String> maybe = maybeApplied.getOrDefault(key, Set.of());
        if (last == null ? seen == null || maybe.contains(seen) : last.value().equals(seen) || maybe.contains(seen)) {
            return true;
        }
        if (last != null && serverMayLose.test(key, last.atNanos())) {
            // the servers lost it in the failover: from now on the key holds what was read
            lostByServers.incrementAndGet();
            acknowledged.put(key, new Write(seen, System.nanoTime()));
            return true;
        }
        wrong.incrementAndGet();
        if (wrongSamples.size() < 5) {
            wrongSamples.add(key + " read " + seen + ", last acknowledged " + (last == null ? null : last.value()));
        }
        return false;
    }

    /** Stops the load and reads every key once more: returns the acknowledged writes the proxy lost. */
    public long verify() {
        close();
        long lost = 0;
        try (Jedis jedis = new Jedis("127.0.0.1", port, 10_000)) {
            for (Map.Entry<String, Write> entry : acknowledged.entrySet()) {
                long wrongBefore = wrong.get();
                check(entry.getKey(), jedis.get(entry.getKey()));
                if (wrong.get() > wrongBefore) {
                    wrong.decrementAndGet(); // at the end a missing write is a lost one, not a wrong reply
                    lost++;
                }
            }
        }
        return lost;
    }

    @Override
    public void close() {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
