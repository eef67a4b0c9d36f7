package io.puerta.runtime.backend.mongo;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.puerta.runtime.backend.BackendNode;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.metrics.RuntimeMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proxy's own connections to each mongos for the per-message mode: {@code backend.connections-per-backend}
 * multiplexed connections per mongos, each client's messages always on the same one (so they stay in order).
 */
public final class MongoBackends implements AutoCloseable {

    private final EventLoopGroup loops;
    private final BackendRegistry registry;
    private final Settings.BackendOptions options;
    private final MongoCredentials credentials;
    private final ReplyObserver observer;
    private final RuntimeMetrics metrics;
    private final int maxMessageBytes;
    private final Map<BackendNode, MongoMuxConnection[]> pools = new ConcurrentHashMap<>();

    public MongoBackends(
            EventLoopGroup loops,
            BackendRegistry registry,
            Settings.BackendOptions options,
            MongoCredentials credentials,
            ReplyObserver observer,
            RuntimeMetrics metrics,
            int maxMessageBytes) {
        this.loops = loops;
        this.registry = registry;
        this.options = options;
        this.credentials = credentials;
        this.observer = observer;
        this.metrics = metrics;
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * The connection that carries {@code clientId}'s messages to {@code node}: the one on the client's own event loop
     * when there is one (its messages and replies then never change threads), else one of the pool by client.
     */
    public MongoMuxConnection connectionFor(BackendNode node, long clientId, EventLoop clientLoop) {
        MongoMuxConnection[] pool = pools.computeIfAbsent(node, n -> {
            // 0 (the default) means one per I/O thread
            int count = options.connectionsPerBackend() > 0 ? options.connectionsPerBackend() : loopCount();
            MongoMuxConnection[] created = new MongoMuxConnection[count];
            for (int i = 0; i < created.length; i++) {
                created[i] = new MongoMuxConnection(n, loops.next(), this);
            }
            return created;
        });
        for (MongoMuxConnection connection : pool) {
            if (connection.loop() == clientLoop) {
                return connection;
            }
        }
        return pool[(int) Long.remainderUnsigned(clientId, pool.length)];
    }

    private int loopCount() {
        int count = 0;
        for (io.netty.util.concurrent.EventExecutor ignored : loops) {
            count++;
        }
        return Math.max(1, count);
    }

    Bootstrap bootstrap(EventLoop loop) {
        return registry.bootstrap(loop);
    }

    io.puerta.runtime.backend.BackendTls tls() {
        return registry.tls();
    }

    Settings.BackendOptions options() {
        return options;
    }

    MongoCredentials credentials() {
        return credentials;
    }

    ReplyObserver observer() {
        return observer;
    }

    RuntimeMetrics metrics() {
        return metrics;
    }

    int maxMessageBytes() {
        return maxMessageBytes;
    }

    @Override
    public void close() {
        for (MongoMuxConnection[] pool : pools.values()) {
            for (MongoMuxConnection connection : pool) {
                connection.close();
            }
        }
    }
}
