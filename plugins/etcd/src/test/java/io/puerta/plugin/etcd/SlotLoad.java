package io.puerta.plugin.etcd;

import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.TestProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Writes and reads through every instance of a fleet while slots move: each thread owns its keys, so the value it
 * last saw acknowledged is the only right answer to its next read. Counts wrong answers, TRYAGAIN answers (a move
 * holding its slots: the write was not made, and is made again) and any other error. Bounded: at most 1,000,000
 * requests per thread.
 */
final class SlotLoad implements AutoCloseable {

    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong wrong = new AtomicLong();
    private final AtomicLong tryAgain = new AtomicLong();
    private final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();

    SlotLoad(List<TestProxy> proxies, int threadsPerProxy, int keysPerThread) {
        int t = 0;
        for (TestProxy proxy : proxies) {
            for (int i = 0; i < threadsPerProxy; i++) {
                int id = t++;
                Thread thread = new Thread(() -> run(proxy.port(), id, keysPerThread), "slot-load-" + id);
                thread.start();
                threads.add(thread);
            }
        }
    }

    private void run(int port, int id, int keys) {
        try (Jedis client = new Jedis("127.0.0.1", port, 10_000)) {
            for (long n = 0; n < 1_000_000 && !stop.get(); n++) {
                String key = "move:" + id + ":" + ThreadLocalRandom.current().nextInt(keys);
                String value = Long.toString(n);
                try {
                    client.set(key, value);
                    acknowledged.put(key, value);
                    String read = client.get(key);
                    if (!value.equals(read)) {
                        wrong.incrementAndGet();
                        errors.add("read " + read + " from " + key + " after writing " + value);
                    }
                    answered.incrementAndGet();
                } catch (JedisDataException e) {
                    if (String.valueOf(e.getMessage()).startsWith("TRYAGAIN")) {
                        tryAgain.incrementAndGet();
                        Thread.onSpinWait();
                    } else {
                        errors.add(key + ": " + e.getMessage());
                    }
                }
            }
        } catch (RuntimeException e) {
            errors.add("client on port " + port + " failed: " + e);
        }
    }

    /** Waits until a few hundred more requests were answered, failing at once on an error. */
    void awaitProgress() {
        long target = answered.get() + 300;
        Await.until("the load makes progress", () -> {
            if (!errors.isEmpty()) {
                throw new AssertionError("the load failed: " + errors.subList(0, Math.min(5, errors.size())));
            }
            return answered.get() >= target;
        });
    }

    long wrongAnswers() {
        return wrong.get();
    }

    long tryAgainAnswers() {
        return tryAgain.get();
    }

    List<String> errors() {
        return List.copyOf(errors);
    }

    long answered() {
        return answered.get();
    }

    /** Every key with the value last acknowledged for it. */
    Map<String, String> acknowledged() {
        return Map.copyOf(acknowledged);
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(15_000);
            if (thread.isAlive()) {
                throw new AssertionError("a load thread did not stop");
            }
        }
    }
}
