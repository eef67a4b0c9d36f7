package io.puerta.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.config.ConfigProblems;
import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.RawClient;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import io.puerta.runtime.transport.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may connect and how many: the allow-list, the client limits (in all and per source address), answered as
 * Redis answers, and the idle timeout. Sources are distinct loopback addresses (127.0.0.1, 127.0.0.2, ...).
 */
class NetworkControlsTest {

    private static final String PING = "*1\r\n$4\r\nPING\r\n";

    private static RedisServerProcess redis;

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    private static TestProxy proxy(String listen) {
        return TestProxy.start(TestProxy.backends(redis) + "\nlisten { " + listen + " }", null);
    }

    private static boolean served(RawClient client) {
        return "+PONG".equals(client.send(PING).readLine());
    }

    @Test
    void pastTheClientLimitANewClientIsToldSoAndDisconnected() {
        try (TestProxy proxy = proxy("max-clients = 3")) {
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    RawClient client = new RawClient(proxy.port());
                    clients.add(client);
                    assertTrue(served(client));
                }
                try (RawClient fourth = new RawClient(proxy.port())) {
                    assertEquals("-ERR max number of clients reached", fourth.readLine());
                    assertTrue(fourth.closedByServer());
                }
                assertEquals(
                        1,
                        proxy.server()
                                .metrics()
                                .counter("puerta.clients.refused.max-clients")
                                .getCount());
                clients.remove(0).close();
                Await.until("a place is free again", () -> {
                    try (RawClient again = new RawClient(proxy.port())) {
                        return served(again);
                    } catch (RuntimeException refused) {
                        return false;
                    }
                });
                for (RawClient client : clients) {
                    assertTrue(served(client), "the clients let in are served throughout");
                }
            } finally {
                clients.forEach(RawClient::close);
            }
        }
    }

    @Test
    void oneSourceCannotTakeEveryPlace() {
        // one after the other: admissions run on the connections' own event loops, in any order
        try (TestProxy proxy = proxy("max-clients-per-source = 2");
                RawClient first = new RawClient("127.0.0.1", proxy.port())) {
            assertTrue(served(first));
            try (RawClient second = new RawClient("127.0.0.1", proxy.port())) {
                assertTrue(served(second));
                try (RawClient third = new RawClient("127.0.0.1", proxy.port())) {
                    assertEquals("-ERR max number of clients reached for this address", third.readLine());
                    assertTrue(third.closedByServer());
                }
                try (RawClient elsewhere = new RawClient("127.0.0.2", proxy.port())) {
                    assertTrue(served(elsewhere), "another address has places of its own");
                }
            }
        }
    }

    @Test
    void onlyTheAllowedNetworksGetIn() {
        try (TestProxy proxy = proxy("allow = [\"127.0.0.2/32\", \"10.0.0.0/8\", \"::1\"]");
                RawClient allowed = new RawClient("127.0.0.2", proxy.port());
                RawClient refused = new RawClient("127.0.0.3", proxy.port())) {
            assertTrue(served(allowed));
            assertEquals("-ERR connections from 127.0.0.3 are not allowed", refused.readLine());
            assertTrue(refused.closedByServer());
            assertEquals(
                    1,
                    proxy.server()
                            .metrics()
                            .counter("puerta.clients.refused.allow-list")
                            .getCount());
        }
    }

    @Test
    void idleClientsAreDisconnectedButNotOnesWaitingForAReply() {
        try (TestProxy proxy = proxy("idle-timeout = 300ms");
                RawClient idle = new RawClient(proxy.port());
                RawClient blocked = new RawClient(proxy.port())) {
            assertTrue(served(idle));
            // BLPOP for 1 s: owed a reply all that time, longer than the idle timeout
            blocked.send("*3\r\n$5\r\nBLPOP\r\n$5\r\nempty\r\n$1\r\n1\r\n");
            assertTrue(idle.closedByServer(), "the idle client is disconnected");
            assertEquals("*-1", blocked.readLine(), "the blocked client gets its reply");
            assertEquals(
                    1,
                    proxy.server()
                            .metrics()
                            .counter("puerta.clients.idle-closed")
                            .getCount());
        }
    }

    @Test
    void badNetworksAreConfigurationProblems() {
        ConfigProblems problems = assertThrows(
                ConfigProblems.class,
                () -> proxy("allow = [\"10.0.0.0/33\", \"example.com\", \"fe80::/64\", \"de.ad\"]"));
        String message = problems.getMessage();
        assertTrue(message.contains("puerta.listen.allow[0]: '10.0.0.0/33': prefix length (expected: 0..32)"), message);
        assertTrue(message.contains("puerta.listen.allow[1]: 'example.com' is not an IP address"), message);
        assertFalse(message.contains("allow[2]"), message);
        assertTrue(
                message.contains("puerta.listen.allow[3]: 'de.ad' is not an IP address"),
                "never looked up: " + message);
    }

    @Test
    void networksMatchTheirOwnAddressesOnly() throws Exception {
        Cidr ten = Cidr.parse("10.1.0.0/16");
        assertTrue(ten.contains(InetAddress.getByName("10.1.255.7")));
        assertFalse(ten.contains(InetAddress.getByName("10.2.0.1")));
        Cidr six = Cidr.parse("2001:db8::/32");
        assertTrue(six.contains(InetAddress.getByName("2001:db8:1::5")));
        assertFalse(six.contains(InetAddress.getByName("2001:db9::1")));
        assertFalse(six.contains(InetAddress.getByName("10.1.0.1")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("192.0.2.1")));
        assertTrue(Cidr.parse("127.0.0.1").contains(InetAddress.getByName("127.0.0.1")));
        assertFalse(Cidr.parse("127.0.0.1").contains(InetAddress.getByName("127.0.0.2")));
    }
}
