package io.puerta.runtime.frontdoor.resp;

import io.puerta.runtime.backend.BackendConnection;
import io.puerta.runtime.backend.BackendNode;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.backend.ReplyStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the runtime keeps for one client beyond its requests: the backend connections it holds alone (for blocking
 * commands, transactions and subscriptions), and whether it became a subscriber. Connections are opened on the
 * routing stage and closed when the client leaves, from its event loop.
 */
public final class ClientSession {

    private final long clientId;
    private final io.netty.channel.EventLoop loop;
    private final AtomicInteger dedicatedTotal;
    private final int maxDedicated;
    private final java.util.function.LongSupplier clients;
    private final Map<BackendNode, BackendConnection> dedicated = new ConcurrentHashMap<>(2);
    private volatile boolean closed;

    // routing stage only
    private BackendConnection subscription;
    private ReplyStream stream;

    /**
     * @param dedicatedTotal connections held by all clients, shared by every session
     * @param maxDedicated how many all clients together may hold
     * @param clients clients connected now: with the connections they hold, they share the descriptors' room
     */
    public ClientSession(
            long clientId,
            io.netty.channel.EventLoop loop,
            AtomicInteger dedicatedTotal,
            int maxDedicated,
            java.util.function.LongSupplier clients) {
        this.clients = clients;
        this.clientId = clientId;
        this.loop = loop;
        this.dedicatedTotal = dedicatedTotal;
        this.maxDedicated = maxDedicated;
    }

    public long clientId() {
        return clientId;
    }

    /** The client's event loop: its requests prefer the backend connection on that loop (no thread hop back). */
    io.netty.channel.EventLoop loop() {
        return loop;
    }

    /**
     * The client's own connection to {@code node}, opened on first use; null when the proxy-wide limit is reached.
     * The routing stage calls it, and so do backend event loops following a redirection.
     */
    BackendConnection dedicated(BackendNode node, BackendRegistry registry) {
        BackendConnection existing = dedicated.get(node);
        if (existing != null) {
            return existing;
        }
        if (dedicatedTotal.incrementAndGet() > maxDedicated
                || dedicatedTotal.get() + clients.getAsLong() > io.puerta.runtime.frontdoor.Descriptors.room()) {
            dedicatedTotal.decrementAndGet();
            return null;
        }
        BackendConnection created = registry.dedicatedConnection(node);
        BackendConnection raced = dedicated.putIfAbsent(node, created);
        if (raced != null) {
            release(created);
            return raced;
        }
        if (closed && dedicated.remove(node, created)) {
            // the client left while we opened it; close() may have missed it
            release(created);
        }
        return created;
    }

    /** The connection this subscriber's requests go to, or null while the client is not a subscriber. */
    BackendConnection subscription() {
        return subscription;
    }

    /** The subscriber's stream, once {@link #subscription} is set. */
    ReplyStream stream() {
        return stream;
    }

    void subscribe(BackendConnection connection, ReplyStream stream) {
        this.subscription = connection;
        this.stream = stream;
    }

    /** The client left: closes its own backend connections. Any thread. */
    public void close() {
        closed = true;
        for (BackendNode node : dedicated.keySet()) {
            BackendConnection connection = dedicated.remove(node);
            if (connection != null) {
                release(connection);
            }
        }
    }

    private void release(BackendConnection connection) {
        dedicatedTotal.decrementAndGet();
        connection.close("the client closed its connection");
    }

    /** Implemented by whatever represents a client to the routing stage. */
    public interface Holder {
        ClientSession session();
    }
}
