package io.puerta.runtime.server;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.netty.channel.EventLoopGroup;
import io.puerta.runtime.access.Authenticator;
import io.puerta.runtime.access.Rights;
import io.puerta.runtime.access.User;
import io.puerta.runtime.admin.AdminServer;
import io.puerta.runtime.backend.BackendConnector;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.backend.BackendTls;
import io.puerta.runtime.config.ConfigProblems;
import io.puerta.runtime.config.ProblemCollector;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.frontdoor.FrontDoor;
import io.puerta.runtime.frontdoor.Listener;
import io.puerta.runtime.frontdoor.mongo.IdentifierCall;
import io.puerta.runtime.frontdoor.mongo.MongoFrontDoor;
import io.puerta.runtime.frontdoor.resp.ClusterView;
import io.puerta.runtime.frontdoor.resp.RespFrontDoor;
import io.puerta.runtime.health.HealthMonitor;
import io.puerta.runtime.metrics.RuntimeMetrics;
import io.puerta.runtime.metrics.SlowLog;
import io.puerta.runtime.pipeline.EventLoopSink;
import io.puerta.runtime.pipeline.LoopRingSink;
import io.puerta.runtime.pipeline.RequestSink;
import io.puerta.runtime.pipeline.RingSink;
import io.puerta.runtime.pipeline.RouterGuard;
import io.puerta.runtime.plugin.Registered;
import io.puerta.runtime.transport.TlsProvider;
import io.puerta.runtime.transport.Transport;
import io.puerta.spi.health.HealthChecker;
import io.puerta.spi.health.HealthCheckerFactory;
import io.puerta.spi.identity.ClientIdentifier;
import io.puerta.spi.identity.ClientIdentifierFactory;
import io.puerta.spi.request.Protocol;
import io.puerta.spi.routing.CommandDescriber;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.RouterFactory;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running proxy, assembled: backend connections, the plugins the configuration selects, health checks, the
 * request sink and its routing stage, and the listener with the front door of the configured protocol.
 * {@link #close()} shuts down gracefully: stop accepting, let requests in flight finish, then close.
 */
public final class PuertaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PuertaServer.class);

    private final Settings settings;
    private final RuntimeMetrics metrics;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private Listener frontend;
    private ConfigWatcher watcher;
    private HealthMonitor healthMonitor; // replaced by reloads
    private AdminServer admin;
    private ClusterView clusterView; // RESP only
    private volatile io.puerta.spi.config.Member self; // this instance as its fleet and cluster clients see it
    private boolean closed;

    private PuertaServer(Settings settings, MetricRegistry registry) {
        this.settings = settings;
        this.metrics = new RuntimeMetrics(
                registry,
                new SlowLog(
                        settings.slowLog().threshold().toNanos(),
                        settings.slowLog().maxEntries()));
    }

    /** Starts the proxy. On failure nothing is left running. */
    public static PuertaServer start(Configuration configuration) throws InterruptedException {
        PuertaServer server = new PuertaServer(configuration.settings(), new MetricRegistry());
        try {
            server.startAll(configuration);
            return server;
        } catch (InterruptedException | RuntimeException e) {
            server.closeResources();
            configuration.close(); // the shared source, which the server owns only once it has joined
            throw e;
        }
    }

    /**
     * Creates the selected router and health checker without starting anything, so that their own settings are
     * validated too ({@code bin/puerta check-config}).
     */
    public static void checkPlugins(Configuration configuration) {
        checkPlugins(configuration, true);
    }

    /**
     * As {@link #checkPlugins(Configuration)}; without {@code listener}, the instance's own listener (its ports,
     * its TLS files) is not checked: for a fleet's shared configuration, checked by an operator's command on a host
     * where an instance may be listening already.
     */
    public static void checkPlugins(Configuration configuration, boolean listener) {
        Settings settings = configuration.settings();
        Transport transport = Transport.NIO;
        EventLoopGroup group = transport.group(1, "puerta-check");
        try (BackendRegistry backends = new BackendRegistry(
                settings.backends(),
                new BackendConnector(
                        group,
                        transport,
                        settings.backend(),
                        backendTls(settings),
                        new RuntimeMetrics(new MetricRegistry())),
                settings.backend())) {
            ProblemCollector problems = new ProblemCollector();
            if (listener) {
                Listener.checkPorts(settings).forEach(problems::add);
                Listener.checkTls(settings).forEach(problems::add);
            }
            PluginFactories factories =
                    new PluginFactories(backends, new MetricRegistry(), new RoutingStageTasks(), problems);
            Router router = createRouter(configuration, factories);
            HealthChecker checker = createHealthChecker(configuration, factories);
            createIdentifier(configuration, factories);
            if (router != null) {
                rightsProblems(settings, router instanceof CommandDescriber describer ? describer : null)
                        .forEach(problems::add);
            }
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
        // before any backend is contacted: a port in use is one clear line
        List<String> ports = Listener.checkPorts(settings);
        if (!ports.isEmpty()) {
            throw new IllegalStateException(String.join("; ", ports));
        }
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
        BackendConnector connector =
                new BackendConnector(backendLoops, transport, settings.backend(), backendTls(settings), metrics);
        BackendRegistry backends = new BackendRegistry(settings.backends(), connector, settings.backend());
        resources.push(backends);

        ProblemCollector problems = new ProblemCollector();
        RoutingStageTasks tasks = new RoutingStageTasks();
        PluginFactories factories = new PluginFactories(backends, metrics.registry(), tasks, problems);
        Router router = createRouter(configuration, factories);
        HealthChecker checker = createHealthChecker(configuration, factories);
        IdentifierCall identifier = createIdentifier(configuration, factories);
        problems.throwIfAny(configuration.origin());

        Registered<RouterFactory> routerOrigin =
                configuration.plugins().router(settings.router()).orElseThrow();
        RouterGuard guard = new RouterGuard(router, routerOrigin, metrics.routerFailures());
        resources.push(guard::close);
        startHealthChecks(configuration, checker, backends);
        resources.push(this::stopHealthChecks);

        Settings.Pipeline pipeline = settings.pipeline();
        RequestSink ring =
                switch (pipeline.mode()) {
                    case RING_PER_LOOP -> new LoopRingSink(pipeline.ringSize(), pipeline.maxBatch());
                    case RING -> new RingSink(pipeline);
                    case EVENT_LOOP -> new EventLoopSink(pipeline.maxBatch(), pipeline.ringSize());
                };
        resources.push(ring);
        tasks.attach(ring);
        ring.observeBatches(metrics.batchSizes()::update);
        metrics.registry().register("puerta.ring.remaining", (Gauge<Long>) ring::remainingCapacity);
        connector.onTrouble((host, port, reason, refused) -> {
            io.puerta.runtime.backend.BackendNode node = backends.backend(host, port);
            if (refused) {
                node.passiveDown(reason); // when health checks run, which bring it back
            }
            // from an event loop, without waiting: when the stage is full the news is dropped, and comes again
            ring.tryControl(() -> guard.unreachable(node, reason));
        });

        Authenticator authenticator = new Authenticator(settings.users());
        resources.push(authenticator);
        List<String> rights = rightsProblems(settings, guard.describer());
        if (!rights.isEmpty()) {
            throw new ConfigProblems(configuration.origin(), rights);
        }
        FrontDoor frontDoor;
        if (settings.protocol() == Protocol.MONGO) {
            MongoFrontDoor mongo = new MongoFrontDoor(
                    ring, guard, identifier, backends, backendLoops, settings, metrics, authenticator);
            resources.push(mongo);
            frontDoor = mongo;
        } else {
            RespFrontDoor resp = new RespFrontDoor(ring, guard, backends, settings.limits(), metrics, authenticator);
            resp.allowConfigSet(settings.config().getBoolean(RespFrontDoor.ALLOW_CONFIG_SET));
            clusterView = new ClusterView(() -> clusterNodes(configuration));
            resp.clusterView(settings.config().getBoolean(RespFrontDoor.CLUSTER_VIEW) ? clusterView : null);
            frontDoor = resp;
        }
        AdminModel model = null;
        if (configuration.source().isPresent() || configuration.shared().isPresent()) {
            com.codahale.metrics.Counter reloads = metrics.registry().counter("puerta.config.reloads");
            com.codahale.metrics.Counter rejected = metrics.registry().counter("puerta.config.reloads-rejected");
            Reconfiguration reconfiguration =
                    new Reconfiguration(parts(backends, guard, ring, factories, authenticator, frontDoor));
            resources.push(reconfiguration);
            AdminModel[] readiness = new AdminModel[1];
            watcher = new ConfigWatcher(
                    configuration,
                    reconfiguration,
                    settings.reloadCheckInterval(),
                    applied -> (applied ? reloads : rejected).inc(),
                    () -> readiness[0] == null ? new ConfigWatcher.Facts(false, Map.of()) : facts(readiness[0]));
            resources.push(watcher);
            model = new AdminModel(settings, () -> frontend, backends, guard, ring, metrics, watcher);
            readiness[0] = model;
        }
        frontend = new Listener(settings, io, transport, frontDoor, metrics.registry());
        resources.push(frontend);
        if (model == null) {
            model = new AdminModel(settings, () -> frontend, backends, guard, ring, metrics, watcher);
        }
        if (settings.admin().port() >= 0) {
            admin = new AdminServer(settings.admin(), settings.listen().tls(), transport, model, metrics.registry());
            resources.push(admin);
            log.info(
                    "admin listener on {}://{}:{}/ (status page; /metrics, /ready, /status)",
                    admin.https() ? "https" : "http",
                    admin.address().getHostString(),
                    admin.address().getPort());
        }
        self = member(); // the listener and the admin listener are open: this instance's addresses are known
        if (configuration.shared().isPresent()) {
            // closed first at shutdown: the fleet hears at once that this instance leaves
            resources.push(configuration.shared().get());
            watcher.join(self, FLEET_REPORT_INTERVAL);
            registerFleetGauges(configuration.shared().get(), watcher);
            log.info(
                    "joined the fleet of {} as '{}', at shared revision {}",
                    configuration.shared().get().describe(),
                    self.name(),
                    configuration.sharedRevision());
        }
        if (frontend.tlsAddress() != null) {
            log.info("Puerta listening for TLS on {} ({})", frontend.tlsAddress(), TlsProvider.choose());
        }
        log.info(
                "Puerta listening on {} ({}, {} transport, router '{}', {} backend(s), ring of {} with {} wait strategy)",
                frontend.address(),
                frontDoor.protocol(),
                transport.name().toLowerCase(java.util.Locale.ROOT),
                settings.router(),
                settings.backends().size(),
                ring.capacity(),
                settings.pipeline().waitStrategy().configName());
    }

    /** How often this instance's readiness is checked, and reported to its fleet when it changed. */
    private static final java.time.Duration FLEET_REPORT_INTERVAL = java.time.Duration.ofSeconds(2);

    /**
     * This instance as its fleet sees it: its name (the listener's host:port unless configured) and addresses (the
     * listener's, unless an address to announce is configured).
     */
    private io.puerta.spi.config.Member member() {
        io.puerta.runtime.config.ConfigSourceSettings source =
                io.puerta.runtime.config.ConfigSourceSettings.read(settings.config());
        String address = !source.announce().isEmpty()
                ? source.announce()
                : frontend.address() == null
                        ? frontend.tlsAddress().getHostString() + ":"
                                + frontend.tlsAddress().getPort()
                        : frontend.address().getHostString() + ":"
                                + frontend.address().getPort();
        String name = source.member();
        String adminAddress = admin == null
                ? ""
                : admin.address().getHostString() + ":" + admin.address().getPort();
        return new io.puerta.spi.config.Member(
                name.isEmpty() ? address : name, address, adminAddress, AdminModel.version());
    }

    /**
     * What the cluster view shows: this instance, and the other live members that are ready (without a fleet,
     * this instance alone).
     */
    private List<ClusterView.Node> clusterNodes(Configuration configuration) {
        List<ClusterView.Node> nodes = new ArrayList<>();
        if (frontend == null) {
            return nodes;
        }
        io.puerta.spi.config.Member me = self != null ? self : member(); // a CLUSTER read as the start ends
        nodes.add(clusterNode(me.name(), me.address(), true));
        if (configuration.shared().isPresent()) {
            List<Map<String, Object>> members;
            try {
                members = configuration.shared().get().members();
            } catch (RuntimeException e) {
                return nodes; // the source cannot say: this instance alone, which serves every key
            }
            for (Map<String, Object> member : members) {
                if (Boolean.TRUE.equals(member.get("live"))
                        && Boolean.TRUE.equals(member.get("ready"))
                        && !me.name().equals(member.get("name"))
                        && member.get("address") instanceof String address
                        && address.lastIndexOf(':') > 0) {
                    nodes.add(clusterNode(String.valueOf(member.get("name")), address, false));
                }
            }
        }
        return nodes;
    }

    private static ClusterView.Node clusterNode(String name, String address, boolean self) {
        int colon = address.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = 0;
        }
        return new ClusterView.Node(name, address.substring(0, colon), port, self);
    }

    /**
     * The fleet for Prometheus, read off what the source keeps (no call to it): whether it answers (alert on 0),
     * the shared revision this instance runs with (alert when members differ), and the live members.
     */
    private void registerFleetGauges(SharedSource shared, ConfigWatcher watcher) {
        MetricRegistry registry = metrics.registry();
        registry.register("puerta.fleet.reachable", (Gauge<Integer>)
                () -> Boolean.TRUE.equals(shared.status().get("reachable")) ? 1 : 0);
        registry.register("puerta.fleet.applied-revision", (Gauge<Long>) watcher::sharedRevision);
        registry.register("puerta.fleet.members", (Gauge<Long>) () -> {
            try {
                return shared.members().stream()
                        .filter(member -> Boolean.TRUE.equals(member.get("live")))
                        .count();
            } catch (RuntimeException e) {
                return -1L;
            }
        });
    }

    private static ConfigWatcher.Facts facts(AdminModel model) {
        try {
            return model.fleetFacts().get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ConfigWatcher.Facts(false, Map.of());
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return new ConfigWatcher.Facts(false, Map.of());
        }
    }

    /** What a reload may change in this proxy (see {@link Reconfiguration}). */
    private Reconfiguration.Parts parts(
            BackendRegistry backends,
            RouterGuard guard,
            RequestSink ring,
            PluginFactories factories,
            Authenticator authenticator,
            FrontDoor frontDoor) {
        return new Reconfiguration.Parts() {
            @Override
            public BackendRegistry backends() {
                return backends;
            }

            @Override
            public RouterGuard router() {
                return guard;
            }

            @Override
            public RequestSink ring() {
                return ring;
            }

            @Override
            public Router buildRouter(Configuration configuration, ProblemCollector problems) {
                return createRouter(configuration, factories.reporting(problems));
            }

            @Override
            public void restartHealthChecks(Configuration configuration) {
                ProblemCollector problems = new ProblemCollector();
                HealthChecker checker = createHealthChecker(configuration, factories.reporting(problems));
                if (!problems.isEmpty()) {
                    log.error("health checks keep their old settings: {}", problems.problems());
                    return;
                }
                startHealthChecks(configuration, checker, backends);
            }

            @Override
            public Authenticator authenticator() {
                return authenticator;
            }

            @Override
            public java.util.function.Consumer<Settings.Limits> limits() {
                return frontDoor instanceof RespFrontDoor resp ? resp::limits : next -> {};
            }

            @Override
            public java.util.function.Consumer<Boolean> clusterView() {
                return frontDoor instanceof RespFrontDoor resp
                        ? enabled -> resp.clusterView(enabled ? clusterView : null)
                        : enabled -> {};
            }

            @Override
            public java.util.function.Consumer<Boolean> allowConfigSet() {
                return frontDoor instanceof RespFrontDoor resp ? resp::allowConfigSet : allowed -> {};
            }
        };
    }

    /** Starts health checks with {@code checker} (none when null), in place of those running. */
    private synchronized void startHealthChecks(
            Configuration configuration, HealthChecker checker, BackendRegistry backends) {
        stopHealthChecks();
        backends.healthChecked(checker != null);
        if (checker == null) {
            return;
        }
        Settings current = configuration.settings();
        Registered<HealthCheckerFactory> origin = configuration
                .plugins()
                .healthChecker(current.healthCheck().checker())
                .orElseThrow();
        healthMonitor = new HealthMonitor(
                checker, origin.plugin().classLoader(), backends::all, current.healthCheck(), metrics.registry());
    }

    private synchronized void stopHealthChecks() {
        if (healthMonitor != null) {
            healthMonitor.close();
            healthMonitor = null;
        }
    }

    /** TLS to the backends, loaded from its files (which check-config thereby checks too), or null. */
    private static BackendTls backendTls(Settings settings) {
        return settings.backendTls() == null ? null : BackendTls.load(settings.backendTls());
    }

    private static Router createRouter(Configuration configuration, PluginFactories factories) {
        Settings settings = configuration.settings();
        return factories.create(
                "puerta.router",
                "router",
                configuration.plugins().router(settings.router()),
                settings.config(),
                RouterFactory::create);
    }

    private static IdentifierCall createIdentifier(Configuration configuration, PluginFactories factories) {
        Settings settings = configuration.settings();
        Optional<Registered<ClientIdentifierFactory>> factory =
                settings.clientIdentifier().isEmpty()
                        ? Optional.empty()
                        : configuration.plugins().clientIdentifier(settings.clientIdentifier());
        ClientIdentifier created = factories.create(
                "puerta.client-identifier",
                "client identifier",
                factory,
                settings.config(),
                ClientIdentifierFactory::create);
        return created == null
                ? null
                : new IdentifierCall(
                        created, factory.get().name(), factory.get().plugin().classLoader());
    }

    private static HealthChecker createHealthChecker(Configuration configuration, PluginFactories factories) {
        Settings settings = configuration.settings();
        Optional<Registered<HealthCheckerFactory>> factory = settings.healthCheck()
                        .checker()
                        .isEmpty()
                ? Optional.empty()
                : configuration.plugins().healthChecker(settings.healthCheck().checker());
        return factories.create(
                "puerta.health-check.checker",
                "health checker",
                factory,
                settings.config(),
                HealthCheckerFactory::create);
    }

    public InetSocketAddress address() {
        return frontend.address();
    }

    /** The TLS listener's address, or null without one. */
    public InetSocketAddress tlsAddress() {
        return frontend.tlsAddress();
    }

    /** The admin listener's address, or null without one. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    /**
     * Reloads the configuration file now (SIGHUP); the outcome is logged. Without a file, says so in the log.
     */
    public void reload(String trigger) {
        if (watcher == null) {
            log.warn("{}: nothing to reload, the configuration came from no file", trigger);
            return;
        }
        watcher.reloadNow(trigger);
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

    /**
     * Users whose rights depend on what commands are (keys, categories, read-only) need a router that can say it
     * ({@code CommandDescriber}); a router that cannot would let every such command through or refuse them all.
     */
    private static List<String> rightsProblems(Settings settings, CommandDescriber describer) {
        if (settings.protocol() != Protocol.RESP) {
            return List.of();
        }
        Rights rights = new Rights(describer);
        List<String> problems = new ArrayList<>();
        for (User user : settings.users().all()) {
            if (!rights.canEnforce(user)) {
                problems.add("puerta.auth.users." + user.name() + ": its rights name keys, categories or read-only,"
                        + " but router '" + settings.router() + "' cannot say what commands are; give this user"
                        + " only rules by command name (+get, -flushall), or use a router that describes commands");
            }
        }
        return problems;
    }
}
