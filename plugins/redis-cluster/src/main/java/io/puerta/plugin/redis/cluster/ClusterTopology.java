package io.puerta.plugin.redis.cluster;

import io.puerta.plugin.redis.common.command.CommandLearner;
import io.puerta.plugin.redis.common.command.CommandTable;
import io.puerta.plugin.redis.common.command.LearnedCommand;
import io.puerta.plugin.redis.common.resp.BlockingRespClient;
import io.puerta.plugin.redis.common.resp.RespError;
import io.puerta.spi.PluginContext;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.backend.BackendHealth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns the cluster's slot map from CLUSTER NODES, asking every node it knows at once and merging their views by
 * configuration epoch ({@link ViewMerge}): a dead node costs a refused connection, a stalled one is simply not
 * waited for, and a stale view never wins over a newer one. It asks on an interval, soon after a MOVED, and every
 * {@link #EAGER} while there is trouble: a node refused a connection, stopped answering requests, or is marked down
 * by the health checks. That is how a failover is followed within a fraction of a second of the promotion.
 *
 * <p>Runs on its own threads; new maps reach the router through the routing stage, so the map the router reads is
 * never torn.
 */
final class ClusterTopology implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterTopology.class);

    /** How often the cluster is asked while there is trouble. */
    static final Duration EAGER = Duration.ofMillis(100);
    /** How long trouble lasts after the last sign of it. */
    private static final long TROUBLE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How long the other nodes' answers are waited for once one has answered (a stalled node never answers). */
    private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private static final int MAX_PARALLEL_QUERIES = 8;

    private final PluginContext context;
    private final Duration timeout;
    private final Set<Backend> known = new LinkedHashSet<>();
    private final ScheduledExecutorService ticker;
    private final ThreadPoolExecutor queries;
    private final Set<Backend> asking = ConcurrentHashMap.newKeySet(); // a node is asked once at a time
    private final Set<Backend> failing = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean refreshRequested = new AtomicBoolean();
    private volatile long troubleUntil = System.nanoTime();
    // the masters of the last map read, taken before the map goes to the router (which then updates it in place)
    private volatile List<Backend> latestMasters = List.of();
    private Consumer<SlotMap> listener;
    private long intervalNanos;
    private long lastRefresh = System.nanoTime(); // ticker thread only

    ClusterTopology(PluginContext context, List<Backend> seeds, Duration timeout) {
        this.context = context;
        this.timeout = timeout;
        this.known.addAll(seeds);
        this.ticker =
                Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, "puerta-cluster-topology"));
        this.queries = new ThreadPoolExecutor(
                MAX_PARALLEL_QUERIES,
                MAX_PARALLEL_QUERIES,
                30,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(1024),
                runnable -> daemon(runnable, "puerta-cluster-query"));
        this.queries.allowCoreThreadTimeOut(true);
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * Asks every known node at once (startup on the calling thread, later the ticker's) and merges what they say.
     * Waits for all answers, but no longer than {@link #GRACE_NANOS} after the first one, nor than the query
     * timeout. Null when no node answered.
     */
    SlotMap fetch() {
        List<Backend> candidates;
        synchronized (known) {
            candidates = new ArrayList<>(known);
        }
        ArrayBlockingQueue<NodesView> answers = new ArrayBlockingQueue<>(candidates.size() + 1);
        int asked = 0;
        for (Backend node : candidates) {
            if (!asking.add(node)) {
                continue; // still asked by an earlier refresh: a stalled node ties up one thread at most
            }
            try {
                CompletableFuture.runAsync(
                        () -> {
                            try {
                                NodesView view = query(node);
                                if (failing.remove(node)) {
                                    log.info("cluster node {} answers CLUSTER NODES again", node.address());
                                }
                                answers.add(view);
                            } catch (IOException | RuntimeException e) {
                                // once per outage of a node at WARN; the next refreshes would repeat it
                                if (failing.add(node)) {
                                    log.warn(
                                            "cannot read the cluster topology from {}: {}",
                                            node.address(),
                                            e.getMessage());
                                } else {
                                    log.debug(
                                            "cannot read the cluster topology from {}: {}",
                                            node.address(),
                                            e.getMessage());
                                }
                            } finally {
                                asking.remove(node);
                            }
                        },
                        queries);
                asked++;
            } catch (RejectedExecutionException e) {
                asking.remove(node);
            }
        }
        List<NodesView> views = collect(answers, asked);
        if (views.isEmpty()) {
            log.debug("no cluster node answered CLUSTER NODES");
            return null;
        }
        SlotMap map = ViewMerge.merge(views, this::node);
        latestMasters = map.masters();
        return map;
    }

    private List<NodesView> collect(ArrayBlockingQueue<NodesView> answers, int asked) {
        List<NodesView> views = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(50);
        try {
            while (views.size() < asked) {
                long wait = deadline - System.nanoTime();
                if (wait <= 0) {
                    break;
                }
                NodesView view = answers.poll(wait, TimeUnit.NANOSECONDS);
                if (view == null) {
                    break;
                }
                if (views.isEmpty()) {
                    deadline = Math.min(deadline, System.nanoTime() + GRACE_NANOS);
                }
                views.add(view);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return views;
    }

    /**
     * {@code builtin} plus the commands a node describes in its COMMAND reply (startup, calling thread); the
     * built-in table alone when no node answers.
     */
    CommandTable learnCommands(CommandTable builtin) {
        List<Backend> candidates;
        synchronized (known) {
            candidates = new ArrayList<>(known);
        }
        List<LearnedCommand> learned = CommandLearner.ask(candidates, timeout);
        if (learned == null) {
            log.warn("no cluster node answered COMMAND; routing by the built-in command table");
            return builtin;
        }
        CommandTable table = builtin.learn(learned);
        log.info(
                "learned {} commands from the cluster: {} route by the cluster's key positions beyond the built-in {}",
                learned.size(),
                table.size() - builtin.size(),
                builtin.size());
        return table;
    }

    /** Refreshes every {@code interval} (more often in trouble), handing each map to {@code onChange} on the routing stage. */
    void start(Duration interval, Consumer<SlotMap> onChange) {
        this.listener = onChange;
        this.intervalNanos = interval.toNanos();
        ticker.scheduleWithFixedDelay(this::tick, EAGER.toMillis(), EAGER.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks for a refresh soon (after a MOVED); several requests in a row make one refresh. */
    void refreshSoon() {
        refreshRequested.set(true);
    }

    /** A node refused a connection or left requests unanswered: ask the cluster often for a while. Any thread. */
    void trouble() {
        troubleUntil = System.nanoTime() + TROUBLE_NANOS;
        refreshRequested.set(true);
    }

    /** Whether the cluster is asked every {@link #EAGER} now. */
    private boolean inTrouble() {
        return System.nanoTime() - troubleUntil < 0 || anyMasterDown();
    }

    private boolean anyMasterDown() {
        for (Backend master : latestMasters) {
            if (master.health() == BackendHealth.DOWN) {
                return true;
            }
        }
        return false;
    }

    private void tick() {
        try {
            long now = System.nanoTime();
            boolean due = refreshRequested.getAndSet(false) || inTrouble() || now - lastRefresh >= intervalNanos;
            if (!due) {
                return;
            }
            lastRefresh = now;
            SlotMap map = fetch();
            if (map != null && listener != null) {
                context.runOnRoutingStage(() -> listener.accept(map));
            }
        } catch (RuntimeException e) {
            log.warn("cluster topology refresh failed", e); // the next tick tries again
        }
    }

    private NodesView query(Backend node) throws IOException {
        try (BlockingRespClient client = BlockingRespClient.connect(node, timeout)) {
            Object reply = client.call("CLUSTER", "NODES");
            if (reply instanceof RespError error) {
                throw new IOException("CLUSTER NODES answered " + error.message());
            }
            if (!(reply instanceof byte[] text)) {
                throw new IOException("CLUSTER NODES answered " + reply);
            }
            return NodesView.parse(new String(text, StandardCharsets.UTF_8), node.host());
        }
    }

    /** The backend of a node some view names: from now on it is asked too. */
    private Backend node(String host, int port) {
        Backend backend = context.backend(host, port);
        synchronized (known) {
            known.add(backend);
        }
        return backend;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        queries.shutdownNow();
    }
}
