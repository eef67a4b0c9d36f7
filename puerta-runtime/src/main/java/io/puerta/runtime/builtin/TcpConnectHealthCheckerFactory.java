package io.puerta.runtime.builtin;

import com.typesafe.config.Config;
import io.puerta.spi.PluginContext;
import io.puerta.spi.health.HealthChecker;
import io.puerta.spi.health.HealthCheckerFactory;
import io.puerta.spi.health.HealthResult;
import java.net.InetSocketAddress;
import java.net.Socket;

/** {@code tcp-connect}: a backend is up when a TCP connection to it opens within the timeout. */
public final class TcpConnectHealthCheckerFactory implements HealthCheckerFactory {

    @Override
    public String name() {
        return "tcp-connect";
    }

    @Override
    public HealthChecker create(Config config, PluginContext context) {
        return (backend, timeout) -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(backend.host(), backend.port()), (int) timeout.toMillis());
                return HealthResult.up("connected");
            }
        };
    }
}
