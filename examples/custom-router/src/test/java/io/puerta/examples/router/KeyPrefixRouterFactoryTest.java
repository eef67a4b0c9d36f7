package io.puerta.examples.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.puerta.spi.PluginContext;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.request.RespCommand;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.Router;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyPrefixRouterFactoryTest {

    private final Backend main = mock(Backend.class);
    private final Backend sessions = mock(Backend.class);
    private final Backend hotSessions = mock(Backend.class);

    private Router router() {
        PluginContext context = mock(PluginContext.class);
        when(context.configuredBackends()).thenReturn(List.of(main));
        when(context.backend("10.0.0.2", 6379)).thenReturn(sessions);
        when(context.backend("10.0.0.3", 6379)).thenReturn(hotSessions);
        Config config = ConfigFactory.parseString(
                        """
                        puerta.key-prefix.routes = [
                          { prefix = "session:", backend = "10.0.0.2:6379" }
                          { prefix = "session:hot:", backend = "10.0.0.3:6379" }
                        ]""")
                .withFallback(ConfigFactory.parseResources("reference.conf"));
        return new KeyPrefixRouterFactory().create(config, context);
    }

    private static RespCommand command(String... args) {
        RespCommand command = mock(RespCommand.class);
        when(command.argCount()).thenReturn(args.length);
        for (int i = 0; i < args.length; i++) {
            when(command.arg(i))
                    .thenReturn(ByteBuffer.wrap(args[i].getBytes(StandardCharsets.UTF_8))
                            .asReadOnlyBuffer());
        }
        return command;
    }

    @Test
    void theLongestMatchingPrefixWins() {
        Router router = router();
        assertEquals(RouteDecision.forward(sessions), router.route(command("GET", "session:42")));
        assertEquals(RouteDecision.forward(hotSessions), router.route(command("GET", "session:hot:42")));
        assertEquals(RouteDecision.forward(main), router.route(command("GET", "user:42")));
        assertEquals(RouteDecision.forward(main), router.route(command("PING")));
    }
}
