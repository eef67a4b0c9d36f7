package io.puerta.runtime.backend;

import io.puerta.runtime.config.BackendSpec;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.protocol.resp.ConnectionSetup;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.backend.BackendRole;
import io.puerta.spi.backend.Credentials;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.SocketFactory;

/** Every backend Puerta knows, by address: the configured ones and those routers discover at run time. */
public final class BackendRegistry implements AutoCloseable {

    private final ConcurrentMap<String, BackendNode> byAddress = new ConcurrentHashMap<>();
    private volatile List<BackendNode> configured = List.of();
    private final BackendConnector connector;
    private final Settings.BackendOptions options;
    private final SocketFactory sockets;
    private final java.util.concurrent.atomic.AtomicBoolean checked = new java.util.concurrent.atomic.AtomicBoolean();

    public BackendRegistry(List<BackendSpec> specs, BackendConnector connector, Settings.BackendOptions options) {
        this.connector = connector;
        this.options = options;
        // plugins' own connections (health checks, topology queries) speak TLS when the runtime's do
        this.sockets = connector.tls() == null
                ? SocketFactory.getDefault()
                : connector.tls().socketFactory();
        update(specs);
    }

    /**
     * The configured backends become {@code specs} (a reload). An address already known keeps its node and its
     * connections, with the new weight; a new address gets a new node; an address no longer configured leaves.
     * Its name, role or login changed, an address keeps its old ones until a restart (they are named in the
     * outcome). The config watcher's thread only.
     *
     * @return what changed: the nodes that left (the caller closes them once their requests are answered) and the
     *     addresses whose other settings wait for a restart
     */
    public synchronized Update update(List<BackendSpec> specs) {
        List<BackendNode> next = new ArrayList<>();
        List<String> needRestart = new ArrayList<>();
        for (BackendSpec spec : specs) {
            Credentials credentials = spec.credentials() != null ? spec.credentials() : options.credentials();
            BackendNode existing = byAddress.get(spec.address());
            if (existing != null) {
                existing.weight(spec.weight());
                if (!existing.name().equals(spec.name())
                        || existing.role() != spec.role()
                        || !java.util.Objects.equals(existing.credentials().orElse(null), credentials)) {
                    needRestart.add(spec.address());
                }
                next.add(existing);
            } else {
                BackendNode node = byAddress.computeIfAbsent(
                        spec.address(),
                        a -> create(spec.name(), spec.host(), spec.port(), spec.weight(), spec.role(), credentials));
                next.add(node);
            }
        }
        List<BackendNode> left = new ArrayList<>(configured);
        left.removeAll(next);
        for (BackendNode node : left) {
            byAddress.remove(node.address(), node);
        }
        configured = List.copyOf(next);
        return new Update(List.copyOf(left), List.copyOf(needRestart));
    }

    /** What {@link #update} changed. */
    public record Update(List<BackendNode> left, List<String> needRestart) {}

    public List<Backend> configured() {
        return List.copyOf(configured);
    }

    public List<BackendNode> configuredNodes() {
        return configured;
    }

    public Collection<BackendNode> all() {
        return List.copyOf(byAddress.values());
    }

    /** The backend at {@code host:port}, created (not yet connected) on first use. */
    public BackendNode backend(String host, int port) {
        // a node the router discovered (a cluster's replica, say) logs in as the pool does
        return byAddress.computeIfAbsent(
                host + ":" + port, a -> create(a, host, port, 1, BackendRole.STANDALONE, options.credentials()));
    }

    /** The runtime's node for a backend a router named (routers may hand back their own {@link Backend} objects). */
    public BackendNode resolve(Backend backend) {
        if (backend instanceof BackendNode node) {
            return node;
        }
        return backend(backend.host(), backend.port());
    }

    private BackendNode create(
            String name, String host, int port, int weight, BackendRole role, Credentials credentials) {
        return new BackendNode(
                name,
                host,
                port,
                weight,
                role,
                credentials,
                sockets,
                setup -> connector.sharedConnections(host, port, credentials, setup),
                checked);
    }

    /**
     * Whether health checks run: then a refused connection marks its backend down at once (passive health), and the
     * checks bring it back.
     */
    public void healthChecked(boolean running) {
        checked.set(running);
    }

    /** A new connection to {@code node} for one client alone (see {@link io.puerta.spi.routing.ConnectionUse}). */
    public BackendConnection dedicatedConnection(BackendNode node, ConnectionSetup setup) {
        return connector.connection(node.host(), node.port(), node.credentials().orElse(null), setup, true);
    }

    /** A bootstrap for connections that are not the registry's own (spliced and multiplexed MongoDB ones). */
    public io.netty.bootstrap.Bootstrap bootstrap(io.netty.channel.EventLoop loop) {
        return connector.bootstrap(loop);
    }

    /** TLS to the backends, or null. */
    public BackendTls tls() {
        return connector.tls();
    }

    /** Adds a command each new backend connection sends before any request. */
    public void greetWith(List<String> command) {
        connector.greetWith(command);
    }

    @Override
    public void close() {
        for (BackendNode node : byAddress.values()) {
            node.close();
        }
    }
}
