package io.puerta.runtime.testing;

import io.puerta.runtime.config.ConfigLoader;
import io.puerta.runtime.server.Configuration;
import io.puerta.runtime.server.PuertaServer;
import java.nio.file.Path;
import java.util.Optional;

/** A Puerta server started in process from HOCON text, listening on a free loopback port. */
public final class TestProxy implements AutoCloseable {

    private final PuertaServer server;

    private TestProxy(PuertaServer server) {
        this.server = server;
    }

    /**
     * Starts Puerta with {@code hocon} (inside {@code puerta { }}) on top of the defaults. Listens on a free port
     * and uses {@code pluginsDir}, or a directory that does not exist when null.
     */
    public static TestProxy start(String hocon, Path pluginsDir) {
        String plugins = pluginsDir == null ? "/nonexistent-puerta-plugins" : pluginsDir.toString();
        String text =
                "puerta { listen.port = 0\n plugins.dir = \"" + plugins.replace("\\", "\\\\") + "\"\n" + hocon + "\n}";
        Configuration configuration = Configuration.load(ConfigLoader.forText(text), Optional.empty());
        try {
            return new TestProxy(PuertaServer.start(configuration));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts Puerta from a configuration file, as bin/puerta does (so the file is watched for changes). */
    public static TestProxy startFile(Path file) {
        Configuration configuration = Configuration.load(ConfigLoader.forFile(Optional.of(file)), Optional.empty());
        try {
            return new TestProxy(PuertaServer.start(configuration));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** HOCON for a list of backends. */
    public static String backends(RedisServerProcess... servers) {
        StringBuilder text = new StringBuilder("backends = [");
        for (RedisServerProcess server : servers) {
            text.append("{ address = \"").append(server.address()).append("\" },");
        }
        return text.append("]").toString();
    }

    public int port() {
        return server.address().getPort();
    }

    /**
     * Whether the proxy's health checks hold the backend at {@code address} ({@code host:port}) up; null before its
     * first check is scheduled.
     */
    public Boolean backendUp(String address) {
        com.codahale.metrics.Gauge<?> up = server().metrics().getGauges().get("puerta.backend." + address + ".up");
        return up == null ? null : ((Number) up.getValue()).intValue() == 1;
    }

    /** Whether the proxy's listener accepts a TCP connection now. */
    public boolean acceptsConnections() {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port()), 500);
            return true;
        } catch (java.io.IOException refused) {
            return false;
        }
    }

    /** The TLS listener's port (listen.tls.port = 0 picks a free one). */
    /** The admin listener's port (admin.port must be set, 0 for a free one). */
    public int adminPort() {
        return server.adminAddress().getPort();
    }

    public int tlsPort() {
        return server.tlsAddress().getPort();
    }

    public PuertaServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
