package io.puerta.runtime.backend;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.transport.TlsProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS to the backends ({@code backend.tls}), for both kinds of connection Puerta makes: the runtime's own (a Netty
 * {@link SslHandler} per connection) and plugins' blocking ones (a JDK {@link SocketFactory}, handed out through
 * {@code Backend.socketFactory()}), built from the same PEM files so that no path connects differently. The
 * server's certificate is verified against the CAs (the JDK's trust store without a CA file), and its name against
 * the backend's host unless {@code verify-hostname} is off.
 */
public final class BackendTls {

    private final SslContext netty;
    private final SSLSocketFactory sockets;
    private final boolean verifyHostname;

    private BackendTls(SslContext netty, SSLSocketFactory sockets, boolean verifyHostname) {
        this.netty = netty;
        this.sockets = sockets;
        this.verifyHostname = verifyHostname;
    }

    /**
     * Loads the files.
     *
     * @throws IllegalArgumentException naming the files when they do not load
     */
    public static BackendTls load(Settings.BackendTls settings) {
        try {
            SslContextBuilder builder =
                    SslContextBuilder.forClient().protocols(settings.protocols().toArray(String[]::new));
            if (settings.caFile() != null) {
                builder.trustManager(settings.caFile().toFile());
            }
            if (settings.certFile() != null) {
                builder.keyManager(
                        settings.certFile().toFile(), settings.keyFile().toFile());
            }
            SslContext netty = builder.sslProvider(TlsProvider.choose()).build();
            // the same builder with the JDK's provider: its SSLContext is what blocking sockets need, so plugins'
            // connections trust and present exactly what the runtime's do, from the same PEM files
            SSLSocketFactory sockets = ((JdkSslContext)
                            builder.sslProvider(SslProvider.JDK).build())
                    .context()
                    .getSocketFactory();
            return new BackendTls(netty, sockets, settings.verifyHostname());
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("puerta.backend.tls: cannot use its files: " + e.getMessage(), e);
        }
    }

    /** A handler for one new connection to {@code host:port}. */
    public SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
        SslHandler handler = netty.newHandler(alloc, host, port);
        if (verifyHostname) {
            SSLEngine engine = handler.engine();
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(parameters);
        }
        return handler;
    }

    /** Blocking TLS sockets with the same trust and certificate, for plugins' own connections. */
    public SocketFactory socketFactory() {
        return new VerifyingSocketFactory();
    }

    /** The JDK's TLS sockets, verifying the server's name when asked. */
    private final class VerifyingSocketFactory extends SocketFactory {
        @Override
        public Socket createSocket() throws IOException {
            return verify((SSLSocket) sockets.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return verify((SSLSocket) sockets.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return verify((SSLSocket) sockets.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return verify((SSLSocket) sockets.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return verify((SSLSocket) sockets.createSocket(address, port, localAddress, localPort));
        }

        private SSLSocket verify(SSLSocket socket) {
            if (verifyHostname) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
            }
            return socket;
        }
    }
}
