package io.puerta.plugin.pikiwidb;

import com.typesafe.config.Config;
import io.puerta.spi.PluginContext;
import io.puerta.spi.health.HealthChecker;
import io.puerta.spi.health.HealthCheckerFactory;
import io.puerta.spi.health.HealthResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * {@code redis-ping}: a standalone Redis-protocol server (pikiwidb, Redis, Valkey) is healthy when it answers
 * {@code PING} with {@code +PONG}. Anything else (an error such as {@code -LOADING}, silence, a refused connection)
 * is a failed check whose reason is kept.
 */
public final class PingHealthCheckerFactory implements HealthCheckerFactory {

    private static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_REPLY_LINE = 512;

    @Override
    public String name() {
        return "redis-ping";
    }

    @Override
    public HealthChecker create(Config config, PluginContext context) {
        return (backend, timeout) -> {
            try (Socket socket = new Socket()) {
                int millis = (int) Math.max(1, timeout.toMillis());
                socket.connect(new InetSocketAddress(backend.host(), backend.port()), millis);
                socket.setSoTimeout(millis);
                socket.getOutputStream().write(PING);
                String reply = readLine(socket.getInputStream());
                return "+PONG".equals(reply) ? HealthResult.up("PONG") : HealthResult.down("PING answered " + reply);
            }
        };
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\r' && b >= 0 && line.size() < MAX_REPLY_LINE) {
            line.write(b);
        }
        if (b < 0) {
            throw new IOException("connection closed before a reply to PING");
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
