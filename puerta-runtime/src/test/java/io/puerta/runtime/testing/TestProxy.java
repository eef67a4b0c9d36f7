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

    public PuertaServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
