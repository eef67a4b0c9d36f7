package io.puerta.plugin.mongo.affinity.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.typesafe.config.ConfigFactory;
import io.puerta.spi.PluginContext;
import io.puerta.spi.identity.ClientIdentifier;
import io.puerta.spi.request.ClientInfo;
import io.puerta.spi.request.Request;
import org.junit.jupiter.api.Test;

class SocketAddressIdentifierFactoryTest {

    private final ClientIdentifier identifier =
            new SocketAddressIdentifierFactory().create(ConfigFactory.empty(), mock(PluginContext.class));

    private static ClientInfo client(String host, int port) {
        ClientInfo client = mock(ClientInfo.class);
        when(client.remoteHost()).thenReturn(host);
        when(client.remotePort()).thenReturn(port);
        return client;
    }

    @Test
    void pooledConnectionsOfOneHostShareAnIdentityWhateverTheirPort() {
        Request request = mock(Request.class);
        assertEquals(
                identifier.identify(client("10.1.2.3", 50001), request),
                identifier.identify(client("10.1.2.3", 50002), request));
        assertNotEquals(
                identifier.identify(client("10.1.2.3", 50001), request),
                identifier.identify(client("10.1.2.4", 50001), request));
        assertEquals(
                "ip:10.1.2.3",
                identifier.identify(client("10.1.2.3", 1), request).orElseThrow());
    }
}
