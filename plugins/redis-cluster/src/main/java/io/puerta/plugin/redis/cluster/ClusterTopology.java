package io.puerta.plugin.redis.cluster;

import io.puerta.plugin.redis.common.command.CommandLearner;
import io.puerta.plugin.redis.common.command.CommandTable;
import io.puerta.plugin.redis.common.command.LearnedCommand;
import io.puerta.plugin.redis.common.resp.BlockingRespClient;
import io.puerta.plugin.redis.common.resp.RespError;
import io.puerta.spi.PluginContext;
import io.puerta.spi.backend.Backend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns the cluster's slot map with CLUSTER SLOTS, asking the seed nodes and every node it has seen until one
 * answers, on an interval and whenever the router asks (after a MOVED). Runs on its own thread; new maps reach the
 * router through the routing stage, so the map the router reads is never torn.
 */
final class ClusterTopology implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterTopology.class);

    private final PluginContext context;
    private final List<Backend> seeds;
    private final Duration timeout;
    private final Set<Backend> known = new LinkedHashSet<>();
    private final ScheduledExecutorService executor;
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private final Set<Backend> failing = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private Consumer<SlotMap> listener;
    private volatile Backend lastAnswered;

    ClusterTopology(PluginContext context, List<Backend> seeds, Duration timeout) {
        this.context = context;
        this.seeds = List.copyOf(seeds);
        this.timeout = timeout;
        this.known.addAll(seeds);
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "puerta-cluster-topology");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Asks the cluster now, on the calling thread (startup). The node that answered last is asked first, so a dead
     * seed costs nothing once another node has answered. Null when no node answered.
     */
    SlotMap fetch() {
        List<Backend> candidates;
        synchronized (known) {
            candidates = new ArrayList<>(known);
        }
        Backend first = lastAnswered;
        if (first != null && candidates.remove(first)) {
            candidates.add(0, first);
        }
        for (Backend node : candidates) {
            try {
                SlotMap map = query(node);
                lastAnswered = node;
                if (failing.remove(node)) {
                    log.info("cluster node {} answers CLUSTER SLOTS again", node.address());
                }
                return map;
            } catch (IOException | RuntimeException e) {
                // once per outage of a node at WARN; the next refreshes would repeat it every few seconds
                if (failing.add(node)) {
                    log.warn("cannot read the cluster topology from {}: {}", node.address(), e.getMessage());
                } else {
                    log.debug("cannot read the cluster topology from {}: {}", node.address(), e.getMessage());
                }
            }
        }
        if (candidates.stream().allMatch(failing::contains)) {
            log.debug("no cluster node answered CLUSTER SLOTS");
        }
        return null;
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

    /** Refreshes every {@code interval}, handing each new map to {@code onChange} on the routing stage. */
    void start(Duration interval, Consumer<SlotMap> onChange) {
        this.listener = onChange;
        executor.scheduleWithFixedDelay(this::refresh, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks for a refresh soon (after a MOVED); several requests in a row make one refresh. */
    void refreshSoon() {
        if (refreshQueued.compareAndSet(false, true)) {
            executor.schedule(
                    () -> {
                        refreshQueued.set(false);
                        refresh();
                    },
                    100,
                    TimeUnit.MILLISECONDS);
        }
    }

    private void refresh() {
        SlotMap map = fetch();
        if (map != null && listener != null) {
            context.runOnRoutingStage(() -> listener.accept(map));
        }
    }

    private SlotMap query(Backend node) throws IOException {
        try (BlockingRespClient client = BlockingRespClient.connect(node, timeout)) {
            Object reply = client.call("CLUSTER", "SLOTS");
            if (reply instanceof RespError error) {
                throw new IOException("CLUSTER SLOTS answered " + error.message());
            }
            SlotMap map = SlotMap.empty();
            for (Object range : (List<?>) reply) {
                List<?> r = (List<?>) range;
                int from = ((Long) r.get(0)).intValue();
                int to = ((Long) r.get(1)).intValue();
                Backend master = node(r.get(2), node);
                List<Backend> replicas = new ArrayList<>();
                for (int i = 3; i < r.size(); i++) {
                    replicas.add(node(r.get(i), node));
                }
                map.assign(from, to, master, replicas);
            }
            return map;
        }
    }

    /** A node entry of CLUSTER SLOTS: [ip, port, id, ...]; an empty ip means the node that answered. */
    private Backend node(Object entry, Backend asked) {
        List<?> e = (List<?>) entry;
        String host = new String((byte[]) e.get(0), StandardCharsets.UTF_8);
        if (host.isEmpty() || host.equals("?")) {
            host = asked.host();
        }
        int port = ((Long) e.get(1)).intValue();
        Backend backend = context.backend(host, port);
        synchronized (known) {
            known.add(backend);
        }
        return backend;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
