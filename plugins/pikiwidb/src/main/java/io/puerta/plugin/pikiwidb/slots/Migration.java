package io.puerta.plugin.pikiwidb.slots;

import io.puerta.plugin.redis.common.resp.BlockingRespClient;
import io.puerta.plugin.redis.common.resp.RespError;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.metrics.Counter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the keys of re-assigned slots from their old owners to their new ones, in the background, with
 * {@code MIGRATE ... REPLACE KEYS}: it scans each old owner, migrates the keys of moving slots in batches, and
 * repeats until a whole scan finds none. Meanwhile the router makes every request for a moving slot migrate its
 * own keys first (a prelude), so clients see correct answers throughout.
 *
 * <p>Runs on its own thread; the router reads {@link #isDone()} on the routing stage.
 */
final class Migration implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Migration.class);

    private final SlotTable next;
    private final Backend[] sources; // per slot: the old owner while moving, else null
    private final List<Backend> oldOwners;
    private final int batch;
    private final Duration timeout;
    private final Duration pause;
    private final Counter movedKeys;
    private volatile boolean done;
    private volatile boolean stopped;
    private volatile long doneAtNanos;
    private final Thread thread;

    Migration(SlotTable current, SlotTable next, List<Integer> changed, SlotSettings settings, Counter movedKeys) {
        this.next = next;
        this.sources = new Backend[next.count()];
        List<Backend> owners = new ArrayList<>();
        for (int slot : changed) {
            sources[slot] = current.owner(slot);
            if (!owners.contains(current.owner(slot))) {
                owners.add(current.owner(slot));
            }
        }
        this.oldOwners = List.copyOf(owners);
        this.batch = settings.batch();
        this.timeout = settings.timeout();
        this.pause = settings.pause();
        this.movedKeys = movedKeys;
        this.thread = new Thread(this, "puerta-slot-migration");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void stop() {
        stopped = true;
        thread.interrupt();
    }

    boolean isDone() {
        return done;
    }

    long doneAtNanos() {
        return doneAtNanos;
    }

    /** The old owner of a moving slot, or null when the slot is not moving. */
    Backend sourceOf(int slot) {
        return sources[slot];
    }

    SlotTable target() {
        return next;
    }

    /** The MIGRATE arguments that move {@code keys} from their old owner to {@code target}. */
    List<byte[]> migrateArgs(Backend target, List<byte[]> keys) {
        List<byte[]> args = new ArrayList<>(keys.size() + 8);
        for (String arg : new String[] {
            "MIGRATE",
            target.host(),
            Integer.toString(target.port()),
            "",
            "0",
            Long.toString(timeout.toMillis()),
            "REPLACE"
        }) {
            args.add(arg.getBytes(StandardCharsets.UTF_8));
        }
        // the target's login, so that MIGRATE reaches a server that requires one (AUTH2 for an ACL user)
        target.credentials().ifPresent(credentials -> {
            List<String> login = new ArrayList<>(3);
            if (credentials.username().isPresent()) {
                login.add("AUTH2");
                login.add(credentials.username().get());
            } else {
                login.add("AUTH");
            }
            login.add(credentials.password());
            for (String arg : login) {
                args.add(arg.getBytes(StandardCharsets.UTF_8));
            }
        });
        args.add("KEYS".getBytes(StandardCharsets.UTF_8));
        args.addAll(keys);
        return args;
    }

    @Override
    public void run() {
        long total = 0;
        while (!stopped) {
            try {
                long moved = 0;
                for (Backend source : oldOwners) {
                    moved += pass(source);
                }
                total += moved;
                if (moved == 0) {
                    doneAtNanos = System.nanoTime();
                    done = true;
                    log.info("slot migration finished: {} keys moved", total);
                    return;
                }
            } catch (IOException | RuntimeException e) {
                log.warn("slot migration interrupted ({}); retrying in 1 s", e.toString());
                sleep(1_000);
            }
        }
    }

    /** One scan of a server; returns how many keys of moving slots it migrated. */
    private long pass(Backend source) throws IOException {
        long moved = 0;
        try (BlockingRespClient client = BlockingRespClient.connect(source, timeout.multipliedBy(2))) {
            String cursor = "0";
            do {
                Object reply = client.call("SCAN", cursor, "COUNT", "1000");
                if (!(reply instanceof List<?> page) || page.size() != 2) {
                    throw new IOException("unexpected SCAN reply from " + source.address() + ": " + reply);
                }
                cursor = new String((byte[]) page.get(0), StandardCharsets.US_ASCII);
                Map<Backend, List<byte[]>> byTarget = new java.util.LinkedHashMap<>();
                for (Object key : (List<?>) page.get(1)) {
                    byte[] bytes = (byte[]) key;
                    int slot = next.slotOf(bytes);
                    if (source.equals(sources[slot])) {
                        byTarget.computeIfAbsent(next.owner(slot), t -> new ArrayList<>())
                                .add(bytes);
                    }
                }
                for (Map.Entry<Backend, List<byte[]>> entry : byTarget.entrySet()) {
                    List<byte[]> keys = entry.getValue();
                    for (int from = 0; from < keys.size(); from += batch) {
                        List<byte[]> chunk = keys.subList(from, Math.min(keys.size(), from + batch));
                        Object result =
                                client.call(migrateArgs(entry.getKey(), chunk).toArray(byte[][]::new));
                        if (result instanceof RespError error) {
                            throw new IOException("MIGRATE from " + source.address() + " to "
                                    + entry.getKey().address() + " failed: " + error.message());
                        }
                        if ("NOKEY".equals(result)) {
                            continue; // another member of a fleet moved them first: nothing moved here
                        }
                        moved += chunk.size();
                        for (int i = 0; i < chunk.size(); i++) {
                            movedKeys.inc();
                        }
                        if (!pause.isZero()) {
                            sleep(pause.toMillis());
                        }
                    }
                }
            } while (!cursor.equals("0") && !stopped);
        }
        return moved;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
