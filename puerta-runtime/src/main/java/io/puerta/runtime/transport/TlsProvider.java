package io.puerta.runtime.transport;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/** Which TLS implementation Puerta uses, on both sides: OpenSSL when netty-tcnative loads, the JDK's otherwise. */
public final class TlsProvider {

    private TlsProvider() {}

    public static SslProvider choose() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }
}
