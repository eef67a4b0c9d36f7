package io.puerta.runtime.server;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.typesafe.config.ConfigException;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.puerta.runtime.backend.BackendConnector;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.config.ProblemCollector;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.health.HealthMonitor;
import io.puerta.runtime.mongo.IdentifierCall;
import io.puerta.runtime.mongo.MongoClientHandler;
import io.puerta.runtime.mongo.MongoRouting;
import io.puerta.runtime.net.FrontendServer;
import io.puerta.runtime.net.Transport;
import io.puerta.runtime.pipeline.RequestRing;
import io.puerta.runtime.pipeline.RouterGuard;
import io.puerta.runtime.pipeline.RuntimeMetrics;
import io.puerta.runtime.plugin.PluginCalls;
import io.puerta.runtime.plugin.Registered;
import io.puerta.runtime.protocol.mongo.MongoFrameDecoder;
import io.puerta.spi.health.HealthChecker;
import io.puerta.spi.health.HealthCheckerFactory;
import io.puerta.spi.identity.ClientIdentifier;
import io.puerta.spi.identity.ClientIdentifierFactory;
import io.puerta.spi.request.Protocol;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.RouterFactory;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running proxy: the listener, the request ring and its routing stage, backend connections, health checks.
 * {@link #close()} shuts down gracefully: stop accepting, let requests in flight finish, then close.
 */
public final class PuertaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PuertaServer.class);

    private final Settings settings;
    private final RuntimeMetrics metrics;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private FrontendServer frontend;
    private boolean closed;

    private PuertaServer(Settings settings, MetricRegistry registry) {
        this.settings = settings;
        this.metrics = new RuntimeMetrics(registry);
    }

    /** Starts the proxy. On failure nothing is left running. */
    public static PuertaServer start(Configuration configuration) throws InterruptedException {
        PuertaServer server = new PuertaServer(configuration.settings(), new MetricRegistry());
        try {
            server.startAll(configuration);
            return server;
        } catch (InterruptedException | RuntimeException e) {
            server.closeResources();
            throw e;
        }
    }

    /**
     * Creates the selected router and health checker without starting anything, so that their own settings are
     * validated too ({@code bin/puerta check-config}).
     */
    public static void checkPlugins(Configuration configuration) {
        Settings settings = configuration.settings();
        Transport transport = Transport.NIO;
        EventLoopGroup group = transport.group(1, "puerta-check");
        try (BackendRegistry backends = new BackendRegistry(
                settings.backends(),
                new BackendConnector(group, transport, settings.backend(), new RuntimeMetrics(new MetricRegistry())),
                settings.backend())) {
            ProblemCollector problems = new ProblemCollector();
            MetricRegistry scratch = new MetricRegistry();
            RoutingStageTasks discarded = new RoutingStageTasks();
            Router router = createRouter(configuration, backends, scratch, discarded, problems);
            HealthChecker checker = createHealthChecker(configuration, backends, scratch, discarded, problems);
            createIdentifier(configuration, backends, scratch, discarded, problems);
            problems.throwIfAny(configuration.origin());
            if (router != null) {
                router.close();
            }
            if (checker != null) {
                checker.close();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private void startAll(Configuration configuration) throws InterruptedException {
        Transport transport = Transport.choose(settings.netty().nativeTransport());
        EventLoopGroup io = transport.group(settings.netty().ioThreads(), "puerta-io");
        resources.push(() -> io.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
        EventLoopGroup backendLoops = io;
        if (settings.netty().backendThreads() > 0) {
            EventLoopGroup separate = transport.group(settings.netty().backendThreads(), "puerta-backend");
            resources.push(
                    () -> separate.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
            backendLoops = separate;
        }
        BackendRegistry backends = new BackendRegistry(
                settings.backends(),
                new BackendConnector(backendLoops, transport, settings.backend(), metrics),
                settings.backend());
        resources.push(backends);

        ProblemCollector problems = new ProblemCollector();
        RoutingStageTasks tasks = new RoutingStageTasks();
        Router router = createRouter(configuration, backends, metrics.registry(), tasks, problems);
        HealthChecker checker = createHealthChecker(configuration, backends, metrics.registry(), tasks, problems);
        IdentifierCall identifier = createIdentifier(configuration, backends, metrics.registry(), tasks, problems);
        problems.throwIfAny(configuration.origin());

        Registered<RouterFactory> routerOrigin =
                configuration.plugins().router(settings.router()).orElseThrow();
        RouterGuard guard = new RouterGuard(router, routerOrigin, metrics.routerFailures());
        resources.push(guard::close);
        if (checker != null) {
            Registered<HealthCheckerFactory> checkerOrigin = configuration
                    .plugins()
                    .healthChecker(settings.healthCheck().checker())
                    .orElseThrow();
            HealthMonitor monitor = new HealthMonitor(
                    checker,
                    checkerOrigin.plugin().classLoader(),
                    backends::all,
                    settings.healthCheck(),
                    metrics.registry());
            resources.push(monitor);
        }

        RequestRing ring = new RequestRing(settings.pipeline(), guard, backends);
        resources.push(ring);
        tasks.attach(ring);
        metrics.registry().register("puerta.ring.remaining", (Gauge<Long>) ring::remainingCapacity);

        if (configuration.source().isPresent()
                && !settings.reloadCheckInterval().isZero()) {
            com.codahale.metrics.Counter reloads = metrics.registry().counter("puerta.config.reloads");
            com.codahale.metrics.Counter rejected = metrics.registry().counter("puerta.config.reloads-rejected");
            resources.push(
                    new ConfigWatcher(configuration, ring, guard, settings.reloadCheckInterval(), applied -> (applied
                                    ? reloads
                                    : rejected)
                            .inc()));
        }

        Consumer<Channel> mongoClients = null;
        if (settings.protocol() == Protocol.MONGO) {
            MongoRouting mongo = new MongoRouting(ring, guard, identifier, backends, backendLoops, settings, metrics);
            resources.push(mongo);
            int maxMessage = settings.limits().maxMongoMessageBytes();
            mongoClients = ch -> {
                ch.pipeline().addLast("decoder", new MongoFrameDecoder(maxMessage));
                ch.pipeline().addLast("client", new MongoClientHandler(ch, mongo));
            };
        }
        frontend = new FrontendServer(settings, io, transport, ring, metrics, mongoClients);
        resources.push(frontend);
        log.info(
                "Puerta listening on {} ({} transport, router '{}', {} backend(s), ring of {} with {} wait strategy)",
                frontend.address(),
                transport.name().toLowerCase(java.util.Locale.ROOT),
                settings.router(),
                settings.backends().size(),
                ring.size(),
                settings.pipeline().waitStrategy().configName());
    }

    private static Router createRouter(
            Configuration configuration,
            BackendRegistry backends,
            MetricRegistry registry,
            RoutingStageTasks tasks,
            ProblemCollector problems) {
        Settings settings = configuration.settings();
        Registered<RouterFactory> factory =
                configuration.plugins().router(settings.router()).orElseThrow();
        return create(
                "puerta.router",
                "router '" + factory.name() + "' (" + factory.plugin().location() + ")",
                factory.plugin().classLoader(),
                () -> factory.factory()
                        .create(settings.config(), new RuntimePluginContext(backends, factory.name(), registry, tasks)),
                problems);
    }

    private static IdentifierCall createIdentifier(
            Configuration configuration,
            BackendRegistry backends,
            MetricRegistry registry,
            RoutingStageTasks tasks,
            ProblemCollector problems) {
        Settings settings = configuration.settings();
        if (settings.clientIdentifier().isEmpty()) {
            return null;
        }
        Registered<ClientIdentifierFactory> factory = configuration
                .plugins()
                .clientIdentifier(settings.clientIdentifier())
                .orElseThrow();
        ClientIdentifier created = create(
                "puerta.client-identifier",
                "client identifier '" + factory.name() + "' ("
                        + factory.plugin().location() + ")",
                factory.plugin().classLoader(),
                () -> factory.factory()
                        .create(settings.config(), new RuntimePluginContext(backends, factory.name(), registry, tasks)),
                problems);
        return created == null
                ? null
                : new IdentifierCall(created, factory.name(), factory.plugin().classLoader());
    }

    private static HealthChecker createHealthChecker(
            Configuration configuration,
            BackendRegistry backends,
            MetricRegistry registry,
            RoutingStageTasks tasks,
            ProblemCollector problems) {
        Settings settings = configuration.settings();
        if (settings.healthCheck().checker().isEmpty()) {
            return null;
        }
        Registered<HealthCheckerFactory> factory = configuration
                .plugins()
                .healthChecker(settings.healthCheck().checker())
                .orElseThrow();
        return create(
                "puerta.health-check.checker",
                "health checker '" + factory.name() + "' (" + factory.plugin().location() + ")",
                factory.plugin().classLoader(),
                () -> factory.factory()
                        .create(settings.config(), new RuntimePluginContext(backends, factory.name(), registry, tasks)),
                problems);
    }

    /** Creates plugin objects; their configuration errors join the others, any other failure is named too. */
    private static <T> T create(
            String path,
            String what,
            ClassLoader loader,
            java.util.function.Supplier<T> factory,
            ProblemCollector problems) {
        try {
            T created = PluginCalls.withContext(loader, factory);
            if (created == null) {
                problems.add(path + ": " + what + " returned nothing");
            }
            return created;
        } catch (ConfigException e) {
            problems.add(ProblemCollector.describe(e) + " (read by " + what + ")");
        } catch (RuntimeException | LinkageError e) {
            problems.add(path + ": " + what + " failed to start: " + e);
        }
        return null;
    }

    public InetSocketAddress address() {
        return frontend.address();
    }

    public MetricRegistry metrics() {
        return metrics.registry();
    }

    /** Graceful shutdown: stop accepting, drain requests in flight (up to the shutdown timeout), close. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (frontend != null) {
            frontend.stopAccepting();
            try {
                long left = frontend.drain(settings.shutdownTimeout());
                if (left > 0) {
                    log.warn("{} requests still in flight after {}; closing anyway", left, settings.shutdownTimeout());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeResources();
        log.info("Puerta stopped");
    }

    private void closeResources() {
        AutoCloseable resource;
        while ((resource = resources.poll()) != null) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("failed to close {}", resource, e);
            }
        }
    }
}
