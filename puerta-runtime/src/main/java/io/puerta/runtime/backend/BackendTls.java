package io.puerta.runtime.backend;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.transport.TlsProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.SocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

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
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .sslProvider(TlsProvider.choose())
                    .protocols(settings.protocols().toArray(String[]::new));
            if (settings.caFile() != null) {
                builder.trustManager(settings.caFile().toFile());
            }
            if (settings.certFile() != null) {
                builder.keyManager(
                        settings.certFile().toFile(), settings.keyFile().toFile());
            }
            return new BackendTls(builder.build(), jdkSockets(settings), settings.verifyHostname());
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
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

    private static SSLSocketFactory jdkSockets(Settings.BackendTls settings)
            throws IOException, GeneralSecurityException {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (settings.caFile() == null) {
            trust.init((KeyStore) null); // the JDK's own trust store
        } else {
            KeyStore cas = KeyStore.getInstance(KeyStore.getDefaultType());
            cas.load(null, null);
            int i = 0;
            for (Certificate ca : certificates(settings.caFile())) {
                cas.setCertificateEntry("ca-" + i++, ca);
            }
            trust.init(cas);
        }
        KeyManagerFactory keys = null;
        if (settings.certFile() != null) {
            KeyStore own = KeyStore.getInstance(KeyStore.getDefaultType());
            own.load(null, null);
            List<Certificate> chain = new ArrayList<>(certificates(settings.certFile()));
            own.setKeyEntry("client", privateKey(settings.keyFile()), new char[0], chain.toArray(Certificate[]::new));
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(own, new char[0]);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    private static Collection<? extends Certificate> certificates(Path file)
            throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }

    /** A PKCS#8 PEM private key (RSA or EC). */
    private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (java.security.spec.InvalidKeySpecException notThisOne) {
                // try the next algorithm
            }
        }
        throw new GeneralSecurityException(file + " is not a PKCS#8 RSA, EC or Ed25519 private key");
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
