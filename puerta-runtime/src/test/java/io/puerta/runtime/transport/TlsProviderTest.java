package io.puerta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

/**
 * TLS runs on OpenSSL where netty-tcnative loads, on the JDK's provider elsewhere; on the platform the distribution
 * ships BoringSSL for (Linux x86-64, where CI runs), it must load.
 */
class TlsProviderTest {

    @Test
    void openSslWhereItLoadsAndAlwaysOnLinuxX86_64() {
        boolean shipped = System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").matches("amd64|x86_64");
        if (shipped) {
            assertNull(OpenSsl.unavailabilityCause(), "netty-tcnative loads");
        }
        assertEquals(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK, TlsProvider.choose());
    }
}
