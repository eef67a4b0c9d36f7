package io.puerta.runtime.frontdoor;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.transport.TlsProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS side of a listener: the server's certificate, key and (for client certificates) CAs, from PEM files,
 * checked for changes on a thread of its own. A change is used for connections accepted from then on; open
 * connections keep the context they started with, so nothing drops. A changed file that does not load is logged
 * and the previous context stays.
 */
public final class ServerTls implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    private final Settings.Tls settings;
    private final ScheduledExecutorService watcher;
    private volatile SslContext context;
    private volatile String stamp;

    private ServerTls(Settings.Tls settings) {
        this.settings = settings;
        this.stamp = stamp();
        this.context = build(settings);
        if (settings.reloadCheckInterval().isZero()) {
            this.watcher = null;
        } else {
            this.watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "puerta-tls-reload");
                thread.setDaemon(true);
                return thread;
            });
            long every = settings.reloadCheckInterval().toMillis();
            watcher.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Loads the certificate and key.
     *
     * @throws IllegalArgumentException naming the files when they do not make a TLS context
     */
    public static ServerTls start(Settings.Tls settings) {
        return new ServerTls(settings);
    }

    /** A handler for one new connection, with the context in force now. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        return context.newHandler(alloc);
    }

    private void reloadIfChanged() {
        String now = stamp();
        if (now.equals(stamp)) {
            return;
        }
        try {
            context = build(settings);
            stamp = now;
            log.info("TLS certificate {} reloaded; new connections use it", settings.certFile());
        } catch (RuntimeException e) {
            // keep serving with the previous certificate; the files may be half written, so try again next time
            log.error("TLS files changed but do not load ({}); keeping the previous certificate", e.getMessage());
        }
    }

    /** What the files are now: changes to size or modification time of any of them. */
    private String stamp() {
        StringBuilder stamp = new StringBuilder();
        for (Path file : new Path[] {settings.certFile(), settings.keyFile(), settings.caFile()}) {
            if (file == null) {
                continue;
            }
            try {
                stamp.append(Files.getLastModifiedTime(file).toMillis())
                        .append(':')
                        .append(Files.size(file));
            } catch (java.io.IOException e) {
                stamp.append("unreadable");
            }
            stamp.append(';');
        }
        return stamp.toString();
    }

    static SslContext build(Settings.Tls settings) {
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(
                            settings.certFile().toFile(), settings.keyFile().toFile())
                    .sslProvider(TlsProvider.choose())
                    .protocols(settings.protocols().toArray(String[]::new))
                    .clientAuth(ClientAuth.valueOf(settings.clientAuth().toUpperCase(Locale.ROOT)));
            if (settings.caFile() != null) {
                builder.trustManager(settings.caFile().toFile());
            }
            if (!settings.ciphers().isEmpty()) {
                builder.ciphers(settings.ciphers(), SupportedCipherSuiteFilter.INSTANCE);
            }
            return builder.build();
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "puerta.listen.tls: cannot use " + files(settings) + ": " + e.getMessage(), e);
        }
    }

    private static String files(Settings.Tls settings) {
        StringBuilder text = new StringBuilder(settings.certFile() + " and " + settings.keyFile());
        if (settings.caFile() != null) {
            text.append(" (CAs ").append(settings.caFile()).append(')');
        }
        return text.toString();
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }
}
