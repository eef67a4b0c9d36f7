package io.puerta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

/** On the platform the distribution ships BoringSSL for, TLS runs on it, not on the JDK's provider. */
class TlsProviderTest {

    @Test
    void openSslIsUsedOnLinuxX86_64() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"));
        assertEquals(null, OpenSsl.unavailabilityCause(), "netty-tcnative loads");
        assertEquals(SslProvider.OPENSSL, TlsProvider.choose());
        assertEquals(true, OpenSsl.isAvailable());
    }
}
