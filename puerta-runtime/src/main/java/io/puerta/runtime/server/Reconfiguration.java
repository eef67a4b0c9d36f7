package io.puerta.runtime.server;

import io.puerta.runtime.access.Authenticator;
import io.puerta.runtime.backend.BackendNode;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.config.ProblemCollector;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.pipeline.RequestSink;
import io.puerta.runtime.pipeline.RouterGuard;
import io.puerta.spi.routing.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a reloaded configuration to the running proxy, as much of it as can change live, without dropping a
 * client connection:
 *
 * <ul>
 *   <li>backends added, removed or re-weighted, and the router's own settings: the router applies them itself
 *       ({@code Router.reconfigure}) when it can and the backends are the same; otherwise a new router is built by
 *       the same factory from the new configuration and put in place on the routing stage, between two requests.
 *       A backend that left is closed once the requests already sent to it had time to be answered.
 *   <li>health checks: the checker and its schedule start again with the new settings.
 *   <li>the proxy's users: logins from now on are checked against the new ones.
 *   <li>client limits: connections from now on get the new ones.
 * </ul>
 *
 * The rest (listener, protocol, router, ring, threads, admin listener, backend connection options) takes a restart;
 * those settings are named in the outcome while everything else applies. Runs on the config watcher's thread.
 */
final class Reconfiguration implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Reconfiguration.class);

    /** Settings a reload cannot change: a change to any of these is named and waits for a restart. */
    private static final List<String> NEED_RESTART = List.of(
            "puerta.listen.",
            "puerta.protocol",
            "puerta.router",
            "puerta.client-identifier",
            "puerta.pipeline.",
            "puerta.netty.",
            "puerta.admin.",
            "puerta.plugins.",
            "puerta.backend.",
            "puerta.mongo.",
            "puerta.slowlog.",
            "puerta.shutdown-timeout",
            "puerta.reload.");

    /** Runtime settings that change live without touching the router. */
    private static final List<String> LIVE_RUNTIME = List.of(
            "puerta.health-check.", "puerta.auth.", "puerta.limits.", "puerta.commands.", "puerta.cluster-view");

    /**
     * How a reload applied.
     *
     * @param routerRebuilt whether a new router took the old one's place
     * @param needRestart the changed settings that wait for a restart
     */
    record Applied(boolean routerRebuilt, List<String> needRestart) {}

    /** What the running proxy lets a reload change. */
    interface Parts {
        BackendRegistry backends();

        RouterGuard router();

        RequestSink ring();

        /** Builds a router from {@code configuration}, recording problems; null when it could not. */
        Router buildRouter(Configuration configuration, ProblemCollector problems);

        /** Starts the health checks again with {@code configuration}'s settings. */
        void restartHealthChecks(Configuration configuration);

        Authenticator authenticator();

        /** Client limits for connections from now on. */
        Consumer<Settings.Limits> limits();

        /** Whether clients may change the servers' settings (puerta.commands.allow-config-set), from now on. */
        Consumer<Boolean> allowConfigSet();

        /** Whether CLUSTER shows the fleet as one Redis Cluster (puerta.cluster-view), from now on. */
        Consumer<Boolean> clusterView();
    }

    private final Parts parts;
    private final ScheduledExecutorService retiring = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "puerta-retire");
        thread.setDaemon(true);
        return thread;
    });

    Reconfiguration(Parts parts) {
        this.parts = parts;
    }

    /**
     * Applies {@code next} over {@code current} ({@code changed}: the setting paths that differ). Completes with
     * the outcome once the router change, if any, took place on the routing stage.
     *
     * @throws io.puerta.runtime.config.ConfigProblems when the new router cannot be built (nothing changed then)
     */
    CompletableFuture<Applied> apply(Configuration current, Configuration next, List<String> changed) {
        List<String> needRestart = new ArrayList<>();
        boolean routerSettings = false;
        boolean healthChecks = false;
        for (String key : changed) {
            if (NEED_RESTART.stream().anyMatch(key::startsWith)) {
                needRestart.add(key);
            } else if (key.startsWith("puerta.health-check.")) {
                healthChecks = true;
            } else if (LIVE_RUNTIME.stream().noneMatch(key::startsWith)) {
                routerSettings = true; // puerta.backends, or the router plugin's own settings
            }
        }
        Settings settings = next.settings();
        boolean backendsChanged = changed.stream().anyMatch(k -> k.startsWith("puerta.backends"));
        CompletableFuture<Applied> routed;
        if (!routerSettings) {
            if (healthChecks) {
                parts.restartHealthChecks(next);
            }
            routed = CompletableFuture.completedFuture(new Applied(false, needRestart));
        } else if (!backendsChanged && routerTakes(settings)) {
            // the router took its own settings as they are (slot moves, say), keeping its state
            if (healthChecks) {
                parts.restartHealthChecks(next);
            }
            routed = CompletableFuture.completedFuture(new Applied(false, needRestart));
        } else {
            routed = rebuild(current, next, backendsChanged, healthChecks, needRestart);
        }
        // only once the router's part is sure (a router that cannot be built rejects the whole file)
        if (changed.stream().anyMatch(k -> k.startsWith("puerta.auth."))) {
            parts.authenticator().users(settings.users());
        }
        if (changed.stream().anyMatch(k -> k.startsWith("puerta.limits."))) {
            parts.limits().accept(settings.limits());
        }
        if (changed.stream().anyMatch(k -> k.startsWith("puerta.commands."))) {
            parts.allowConfigSet()
                    .accept(settings.config()
                            .getBoolean(io.puerta.runtime.frontdoor.resp.RespFrontDoor.ALLOW_CONFIG_SET));
        }
        if (changed.contains(io.puerta.runtime.frontdoor.resp.RespFrontDoor.CLUSTER_VIEW)) {
            parts.clusterView()
                    .accept(settings.config().getBoolean(io.puerta.runtime.frontdoor.resp.RespFrontDoor.CLUSTER_VIEW));
        }
        return routed;
    }

    /** Offers the router its new settings on the routing stage; whether it applied them itself. */
    private boolean routerTakes(Settings settings) {
        CompletableFuture<Boolean> took = new CompletableFuture<>();
        parts.ring().control(() -> took.complete(parts.router().reconfigure(settings.config())));
        return took.orTimeout(10, TimeUnit.SECONDS).join();
    }

    private CompletableFuture<Applied> rebuild(
            Configuration current,
            Configuration next,
            boolean backendsChanged,
            boolean healthChecks,
            List<String> needRestart) {
        BackendRegistry backends = parts.backends();
        BackendRegistry.Update update = backends.update(next.settings().backends());
        ProblemCollector problems = new ProblemCollector();
        Router router = parts.buildRouter(next, problems);
        if (router == null || !problems.isEmpty()) {
            // back to the backends the running router uses; the ones just created go again
            BackendRegistry.Update undo = backends.update(current.settings().backends());
            undo.left().forEach(node -> node.retire("its configuration was not applied"));
            if (router != null) {
                router.close();
            }
            problems.throwIfAny(next.origin());
        }
        for (String address : update.needRestart()) {
            needRestart.add("puerta.backends (" + address + ": name, role or login)");
        }
        CompletableFuture<Applied> done = new CompletableFuture<>();
        parts.ring().control(() -> {
            Router previous = parts.router().swap(router);
            done.complete(new Applied(true, needRestart));
            // closed off the routing stage: a router may wait for its own threads
            retiring.execute(() -> closeQuietly(previous));
        });
        if (backendsChanged || healthChecks) {
            parts.restartHealthChecks(next);
        }
        // requests already sent to a backend that left are answered (or time out) before it closes
        Duration grace = next.settings().backend().requestTimeout().plusSeconds(1);
        for (BackendNode node : update.left()) {
            log.info("backend {} left the configuration; closing it in {} ms", node, grace.toMillis());
            retiring.schedule(
                    () -> node.retire("backend " + node.address() + " left the configuration"),
                    grace.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return done;
    }

    private static void closeQuietly(Router router) {
        try {
            router.close();
        } catch (RuntimeException e) {
            log.warn("the replaced router failed to close", e);
        }
    }

    @Override
    public void close() {
        retiring.shutdownNow();
    }
}
