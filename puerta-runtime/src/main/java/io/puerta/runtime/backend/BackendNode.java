package io.puerta.runtime.backend;

import io.puerta.runtime.protocol.resp.ConnectionSetup;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.backend.BackendHealth;
import io.puerta.spi.backend.BackendRole;
import io.puerta.spi.backend.Credentials;
import java.util.Optional;
import javax.net.SocketFactory;

/**
 * A backend server and Puerta's connections to it. Requests of many clients are pipelined over a few long-lived
 * connections; the routing stage picks one per request in turn.
 */
public final class BackendNode implements Backend {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BackendNode.class);

    private final String name;
    private final String host;
    private final int port;
    private volatile int weight;
    private final BackendRole role;
    /** The shared connections of clients that said nothing (RESP2, database 0): most clients. */
    private final BackendConnection[] connections;
    /** The shared connections of every other setup, opened when a client of that setup first needs one. */
    private final java.util.concurrent.ConcurrentHashMap<ConnectionSetup, BackendConnection[]> otherSetups =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final java.util.function.Function<ConnectionSetup, BackendConnection[]> opener;
    private volatile boolean retired;
    private final Optional<Credentials> credentials;
    private final SocketFactory sockets;
    private volatile BackendHealth health = BackendHealth.UNKNOWN;
    private volatile LastCheck lastCheck;
    /** Whether health checks run (they alone bring a backend back up, so only then may it be marked down). */
    private final java.util.concurrent.atomic.AtomicBoolean checked;

    private final java.util.Set<io.netty.channel.Channel> attached = java.util.concurrent.ConcurrentHashMap.newKeySet();

    BackendNode(
            String name,
            String host,
            int port,
            int weight,
            BackendRole role,
            Credentials credentials,
            SocketFactory sockets,
            java.util.function.Function<ConnectionSetup, BackendConnection[]> opener,
            java.util.concurrent.atomic.AtomicBoolean checked) {
        this.name = name;
        this.host = host;
        this.port = port;
        this.weight = weight;
        this.role = role;
        this.opener = opener;
        this.connections = opener.apply(ConnectionSetup.DEFAULT);
        this.credentials = Optional.ofNullable(credentials);
        this.sockets = sockets;
        this.checked = checked;
    }

    /**
     * A connection to this backend was refused: marks it down at once (passive health), so that no new client is
     * sent to it, when health checks run to bring it back; without them, nothing (it would stay down for good).
     * Any thread.
     */
    public void passiveDown(String reason) {
        if (checked.get() && health != BackendHealth.DOWN) {
            health(BackendHealth.DOWN);
            log.warn("backend {} is down: {} (until the health checks find it up again)", this, reason);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public int weight() {
        return weight;
    }

    /** A reload re-weighted this backend: routers built from now on see the new weight. */
    public void weight(int weight) {
        this.weight = weight;
    }

    @Override
    public BackendRole role() {
        return role;
    }

    @Override
    public Optional<Credentials> credentials() {
        return credentials;
    }

    @Override
    public SocketFactory socketFactory() {
        return sockets;
    }

    @Override
    public BackendHealth health() {
        return health;
    }

    public void health(BackendHealth health) {
        BackendHealth before = this.health;
        this.health = health;
        if (health == BackendHealth.DOWN && before != BackendHealth.DOWN) {
            for (io.netty.channel.Channel channel : attached) {
                channel.close();
            }
        }
    }

    /**
     * Binds a connection to this backend's health: it is closed when the backend is marked down (a spliced MongoDB
     * client connection, whose cursors and transactions live on that mongos and cannot move).
     */
    public void attach(io.netty.channel.Channel channel) {
        attached.add(channel);
        if (health == BackendHealth.DOWN) {
            channel.close();
        }
    }

    public void detach(io.netty.channel.Channel channel) {
        attached.remove(channel);
    }

    /**
     * The connection a client's requests to this backend always take. Requests on one connection are executed in
     * order, so a client that pipelines SET k then GET k reads its own write; different clients spread over the
     * connections.
     */
    public BackendConnection connectionFor(long clientId) {
        return pick(connections, clientId, null);
    }

    /**
     * As {@link #connectionFor(long)}, preferring the connection on the client's own event loop when there is one
     * per loop ({@code backend.connections-per-backend = 0}): the reply then reaches the client without waking
     * another thread. A client always gets the same connection either way, so its requests stay in order.
     */
    public BackendConnection connectionFor(long clientId, io.netty.channel.EventLoop clientLoop) {
        return pick(connections, clientId, clientLoop);
    }

    /** As {@link #connectionFor(long, io.netty.channel.EventLoop)}, among the connections of {@code setup}. */
    public BackendConnection connectionFor(
            long clientId, io.netty.channel.EventLoop clientLoop, ConnectionSetup setup) {
        return pick(setup.isDefault() ? connections : connectionsOf(setup), clientId, clientLoop);
    }

    private BackendConnection[] connectionsOf(ConnectionSetup setup) {
        BackendConnection[] existing = otherSetups.get(setup);
        if (existing != null) {
            return existing;
        }
        BackendConnection[] opened = otherSetups.computeIfAbsent(setup, opener);
        if (retired) {
            // the backend left while these were opened: they go with it (their requests fail, as the others')
            for (BackendConnection connection : opened) {
                connection.close("backend left the configuration");
            }
        }
        return opened;
    }

    private static BackendConnection pick(
            BackendConnection[] among, long clientId, io.netty.channel.EventLoop clientLoop) {
        if (clientLoop != null) {
            for (BackendConnection connection : among) {
                if (connection.loop() == clientLoop) {
                    return connection;
                }
            }
        }
        return among[(int) Long.remainderUnsigned(clientId, among.length)];
    }

    /** Every shared connection, of every setup. */
    private java.util.List<BackendConnection> shared() {
        java.util.List<BackendConnection> all = new java.util.ArrayList<>(java.util.List.of(connections));
        for (BackendConnection[] more : otherSetups.values()) {
            all.addAll(java.util.List.of(more));
        }
        return all;
    }

    void close() {
        retire("proxy is shutting down");
    }

    /** Closes this backend's shared connections: whatever is still in flight or queued fails with {@code reason}. */
    public void retire(String reason) {
        retired = true;
        for (BackendConnection connection : shared()) {
            connection.close(reason);
        }
    }

    /**
     * Closes this backend's shared connections now, without retiring them: what is in flight fails with
     * {@code reason}, and the next request connects anew (a router learned that the backend lost its role).
     */
    public void reset(String reason) {
        for (BackendConnection connection : shared()) {
            connection.reset(reason);
        }
    }

    /**
     * The last health check of this backend, for operators.
     *
     * @param healthy whether it passed
     * @param detail the checker's words (why it failed, or what it saw)
     * @param latencyMicros how long it took
     * @param atMillis when it ended (epoch millis)
     */
    public record LastCheck(boolean healthy, String detail, long latencyMicros, long atMillis) {}

    /** Records a health check's outcome (the health monitor's threads). */
    public void checked(LastCheck check) {
        this.lastCheck = check;
    }

    /** The last health check, or null before the first (or without health checks). */
    public LastCheck lastCheck() {
        return lastCheck;
    }

    /** Requests sent on this backend's shared connections since the start (approximate: read off-loop). */
    public long requestsSent() {
        long total = 0;
        for (BackendConnection connection : shared()) {
            total += connection.sentSoFar();
        }
        return total;
    }

    /** Requests sent on this backend's shared connections and not yet answered (approximate: read off-loop). */
    public int inFlight() {
        int total = 0;
        for (BackendConnection connection : shared()) {
            total += connection.inFlightNow();
        }
        return total;
    }

    @Override
    public String toString() {
        return name.equals(address()) ? name : name + " (" + address() + ")";
    }
}
