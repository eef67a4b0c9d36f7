package io.puerta.runtime.config;

import com.typesafe.config.Config;
import io.puerta.runtime.access.Users;
import io.puerta.runtime.transport.Cidr;
import io.puerta.spi.backend.Credentials;
import io.puerta.spi.request.Protocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The runtime's settings: an immutable snapshot read from the effective configuration. A reload builds a new
 * snapshot; nothing here changes in place.
 */
public record Settings(
        Protocol protocol,
        Listen listen,
        String router,
        String clientIdentifier,
        HealthCheck healthCheck,
        List<BackendSpec> backends,
        BackendOptions backend,
        BackendTls backendTls,
        Pipeline pipeline,
        Netty netty,
        Limits limits,
        Mongo mongo,
        Users users,
        Admin admin,
        SlowLogSettings slowLog,
        Path pluginsDir,
        Duration reloadCheckInterval,
        Duration shutdownTimeout,
        Config config) {

    public Settings {
        backends = List.copyOf(backends);
    }

    /**
     * MongoDB: the user the proxy authenticates its own mongos connections as (per-message mode); an empty
     * username for none.
     */
    public record Mongo(String username, String password, String authSource) {
        @Override
        public String toString() {
            return "Mongo[" + username + "@" + authSource + ", password hidden]";
        }
    }

    /** Requests slower end to end than {@code threshold} are kept, the newest {@code maxEntries} of them. */
    public record SlowLogSettings(Duration threshold, int maxEntries) {}

    /**
     * The admin listener.
     *
     * @param port -1 for none
     * @param token the bearer token its requests must carry (all but /health and /ready); "" for none
     * @param tls whether it speaks HTTPS, with the client listener's certificate ({@code listen.tls})
     */
    public record Admin(String host, int port, String token, boolean tls) {
        @Override
        public String toString() {
            return "Admin[" + host + ":" + port + (token.isEmpty() ? "" : ", token hidden") + "]";
        }
    }

    /** Where clients connect. */
    /**
     * The client listener and who may use it.
     *
     * @param allow source networks allowed to connect; empty: every source
     * @param maxClients clients connected at once, in all (the effective limit may be lower: see the listener)
     * @param maxClientsPerSource clients connected at once from one address; 0: no such limit
     * @param idleTimeout a client that sends nothing and is owed nothing for this long is disconnected; zero: never
     * @param tls the TLS listener, or null without one
     */
    public record Listen(
            String host,
            int port,
            int backlog,
            List<Cidr> allow,
            int maxClients,
            int maxClientsPerSource,
            Duration idleTimeout,
            Tls tls) {

        public Listen {
            allow = List.copyOf(allow);
        }
    }

    /**
     * The TLS listener ({@code listen.tls}), beside the plain one or instead of it.
     *
     * @param port its port (0: a free one)
     * @param only no plain listener
     * @param caFile the CAs client certificates must chain to; null unless clients present certificates
     * @param clientAuth "none", "optional" or "require"
     * @param ciphers empty: the provider's defaults
     * @param reloadCheckInterval how often the files are checked for changes; zero: never
     */
    public record Tls(
            int port,
            boolean only,
            Path certFile,
            Path keyFile,
            Path caFile,
            String clientAuth,
            List<String> protocols,
            List<String> ciphers,
            Duration reloadCheckInterval) {
        public Tls {
            protocols = List.copyOf(protocols);
            ciphers = List.copyOf(ciphers);
        }
    }

    /** Backend health checking; {@code checker} is empty when disabled. */
    public record HealthCheck(String checker, Duration interval, Duration timeout, int rise, int fall, int threads) {}

    /** Connections to backends. */
    /**
     * @param credentials what every backend without credentials of its own logs in with
     *     ({@code backend.auth}); null when the servers require no login
     */
    public record BackendOptions(
            int connectionsPerBackend,
            Duration connectTimeout,
            Duration requestTimeout,
            Duration reconnectBackoff,
            int maxQueuedWhileConnecting,
            Credentials credentials) {

        /** Options for servers that require no login. */
        public BackendOptions(
                int connectionsPerBackend,
                Duration connectTimeout,
                Duration requestTimeout,
                Duration reconnectBackoff,
                int maxQueuedWhileConnecting) {
            this(
                    connectionsPerBackend,
                    connectTimeout,
                    requestTimeout,
                    reconnectBackoff,
                    maxQueuedWhileConnecting,
                    null);
        }
    }

    /**
     * TLS to the backends ({@code backend.tls}); null when they speak plain TCP.
     *
     * @param caFile the CAs the servers' certificates must chain to; null: the JVM's trust store
     * @param certFile a client certificate for servers that require one; null for none (then keyFile too)
     */
    public record BackendTls(Path caFile, Path certFile, Path keyFile, List<String> protocols, boolean verifyHostname) {
        public BackendTls {
            protocols = List.copyOf(protocols);
        }
    }

    /**
     * The request path between the I/O threads and routing.
     *
     * @param ringSize slots of each ring (one per I/O thread in {@code ring-per-loop} mode)
     * @param waitStrategy how the routing thread of {@code ring} mode waits
     * @param mode see {@link PipelineMode}
     */
    public record Pipeline(int ringSize, WaitStrategyName waitStrategy, int maxBatch, PipelineMode mode) {}

    /** Netty thread counts and transport. */
    public record Netty(int ioThreads, int backendThreads, boolean nativeTransport) {}

    /** Protocol and per-client limits. */
    public record Limits(
            int maxArrayLength,
            int maxBulkBytes,
            int maxInlineBytes,
            int maxRequestBytes,
            int maxMongoMessageBytes,
            int pauseReadingAt,
            int maxPendingPerClient,
            int clientOutputBufferBytes,
            int maxDedicatedConnections) {}
}
