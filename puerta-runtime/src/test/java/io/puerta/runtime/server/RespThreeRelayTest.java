package io.puerta.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.puerta.runtime.testing.RespConnection;
import io.puerta.runtime.testing.ScriptedRespPeer;
import io.puerta.runtime.testing.TestProxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every RESP3 reply type a server may send reaches a RESP3 client through Puerta unchanged, including those no
 * command of a stock redis-server produces on demand (booleans, big numbers, attributes, blob errors): a scripted
 * peer plays the server. A push on a shared connection, which answers no request, is not taken for a reply.
 */
class RespThreeRelayTest {

    private static final Map<String, String> REPLIES = Map.of(
            "bool", "#t\r\n",
            "big", "(3492890328409238509324850943850943825024385\r\n",
            "double", ",3.14\r\n",
            "null", "_\r\n",
            "verbatim", "=15\r\ntxt:Some string\r\n",
            "set", "~2\r\n+a\r\n+b\r\n",
            "map", "%1\r\n$1\r\nk\r\n:1\r\n",
            "attribute", "|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.1923\r\n*2\r\n:2039123\r\n:9543892\r\n",
            "blob-error", "!21\r\nSYNTAX invalid syntax\r\n",
            "push-first", ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nx\r\n+OK\r\n");

    @Test
    void everyReplyTypeIsRelayedAsTheServerSentIt() throws Exception {
        try (ScriptedRespPeer server = ScriptedRespPeer.start(RespThreeRelayTest::answer);
                TestProxy proxy =
                        TestProxy.start("backends = [{ address = \"127.0.0.1:" + server.port() + "\" }]", null);
                RespConnection client = new RespConnection(proxy.port())) {
            client.call("HELLO", "3");
            assertEquals("#t", client.call("GET", "bool").toString());
            assertEquals(
                    "(3492890328409238509324850943850943825024385",
                    client.call("GET", "big").toString());
            assertEquals(",3.14", client.call("GET", "double").toString());
            assertEquals("_nil", client.call("GET", "null").toString());
            assertEquals("=Some string", client.call("GET", "verbatim").toString());
            assertEquals("~[+a,+b]", client.call("GET", "set").toString());
            assertEquals("%[$k,:1]", client.call("GET", "map").toString());
            // the attribute goes with the value it describes, as one reply
            assertEquals("*[:2039123,:9543892]", client.call("GET", "attribute").toString());
            assertEquals(
                    "!SYNTAX invalid syntax", client.call("GET", "blob-error").toString());
            // a push nobody asked for is dropped; the reply after it answers the request
            assertEquals("+OK", client.call("GET", "push-first").toString());
            assertEquals("#t", client.call("GET", "bool").toString(), "replies still line up");
        }
    }

    private static String answer(List<String> command) {
        String name = command.get(0).toUpperCase(java.util.Locale.ROOT);
        if (name.equals("HELLO")) {
            return "%1\r\n$5\r\nproto\r\n:3\r\n";
        }
        if (name.equals("GET") && command.size() == 2) {
            return REPLIES.getOrDefault(command.get(1), "_\r\n");
        }
        return "+OK\r\n";
    }
}
