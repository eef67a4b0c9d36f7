package io.puerta.runtime.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.backend.mongo.ScramSha256;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pieces of client authentication and rights, one by one. */
class AccessTest {

    private static boolean glob(String pattern, String key) {
        return KeyPattern.of(pattern).matches(key.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keyPatternsAreRedisGlobs() {
        assertTrue(glob("app:*", "app:1"));
        assertTrue(glob("app:*", "app:"));
        assertFalse(glob("app:*", "ap"));
        assertFalse(glob("app:*", "other:1"));
        assertTrue(glob("*", ""));
        assertTrue(glob("user:?:name", "user:7:name"));
        assertFalse(glob("user:?:name", "user:17:name"));
        assertTrue(glob("a*b*c", "aXXbYYc"));
        assertFalse(glob("a*b*c", "aXXbYY"));
        assertTrue(glob("[abc]x", "bx"));
        assertFalse(glob("[^abc]x", "bx"));
        assertTrue(glob("[a-c]x", "cx"));
        assertTrue(glob("\\*literal", "*literal"));
        assertFalse(glob("\\*literal", "xliteral"));
        // no backtracking blow-up: many stars against a long key that does not match
        assertFalse(glob("*a*a*a*a*a*a*a*a*b", "a".repeat(100_000)));
        assertThrows(IllegalArgumentException.class, () -> KeyPattern.of(""));
    }

    @Test
    void theLastRuleNamingACommandDecides() {
        CommandRules rules = CommandRules.parse(List.of("+@all", "-@dangerous", "+keys", "-config|set"));
        assertTrue(rules.allows("GET", null, Set.of("read", "string")));
        assertFalse(rules.allows("FLUSHALL", null, Set.of("write", "dangerous")));
        assertTrue(rules.allows("KEYS", null, Set.of("read", "dangerous")), "+keys comes after -@dangerous");
        assertFalse(rules.allows("CONFIG", "SET", Set.of("admin")));
        assertTrue(rules.allows("CONFIG", "GET", Set.of("admin")));
        assertTrue(rules.usesCategories());
        CommandRules names = CommandRules.parse(List.of("+get", "+set"));
        assertFalse(names.usesCategories());
        assertTrue(names.allows("GET", null, null));
        assertFalse(names.allows("DEL", null, null), "what no rule names is refused");
        assertTrue(CommandRules.parse(List.of("allcommands", "-del")).allows("GET", null, null));
        for (String bad : List.of("get", "+", "+@", "*get", "+|x")) {
            assertThrows(IllegalArgumentException.class, () -> CommandRules.parse(List.of(bad)), bad);
        }
    }

    @Test
    void aPasswordHashRoundTripsAndChecks() {
        PasswordHash hash = PasswordHash.of("s3cret", 4096);
        String stored = hash.encoded();
        assertTrue(stored.startsWith("pbkdf2-sha256:4096:"));
        PasswordHash read = PasswordHash.parse(stored);
        assertTrue(read.matches("s3cret"));
        assertFalse(read.matches("s3cret "));
        assertFalse(read.matches(""));
        assertFalse(hash.toString().contains(stored.substring(20)));
        assertNotEqualSalts();
        for (String bad : List.of(
                "s3cret", "pbkdf2-sha256:100:AAAAAAAAAAA=:AAAA", "pbkdf2-sha256:x:a:b", "pbkdf2-sha256:4096:!!:!!")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse(bad));
            assertFalse(e.getMessage().contains(bad), "the message does not echo the value");
        }
    }

    private static void assertNotEqualSalts() {
        assertFalse(PasswordHash.of("same", 4096)
                .encoded()
                .equals(PasswordHash.of("same", 4096).encoded()));
    }

    @Test
    void aScramClientLogsInToTheScramServerWithTheStoredHash() throws Exception {
        Users users = new Users(
                Map.of(
                        "app",
                        new User(
                                "app",
                                PasswordHash.of("pässword", 4096),
                                false,
                                List.of(KeyPattern.of("*")),
                                CommandRules.ALL)),
                3,
                Duration.ofSeconds(1));
        ScramSha256 client = new ScramSha256("app", "pässword");
        ScramServer server = new ScramServer(users);
        String serverFirst = server.first(client.clientFirst());
        String serverFinal = server.last(client.clientFinal(serverFirst));
        client.verifyServerFinal(serverFinal);
        assertEquals("app", server.user().name());

        ScramSha256 wrong = new ScramSha256("app", "password");
        ScramServer refusing = new ScramServer(users);
        String first = refusing.first(wrong.clientFirst());
        ScramServer.ScramFailure failure =
                assertThrows(ScramServer.ScramFailure.class, () -> refusing.last(wrong.clientFinal(first)));
        assertEquals("wrong password", failure.getMessage());
        assertNull(refusing.user());

        ScramSha256 stranger = new ScramSha256("nobody", "x");
        ScramServer unknown = new ScramServer(users);
        String strangerFirst = unknown.first(stranger.clientFirst());
        assertTrue(strangerFirst.contains(",s=") && strangerFirst.contains(",i="), "a made-up salt, as for a user");
        assertEquals(
                "no such user",
                assertThrows(ScramServer.ScramFailure.class, () -> unknown.last(stranger.clientFinal(strangerFirst)))
                        .getMessage());
    }

    @Test
    void failuresBeyondTheFreeOnesWaitLongerAndLongerUpToTheCap() {
        FailureThrottle throttle = new FailureThrottle(2, Duration.ofMillis(500));
        assertEquals(0, throttle.failed("a"));
        assertEquals(0, throttle.failed("a"));
        assertEquals(100, throttle.failed("a"));
        assertEquals(200, throttle.failed("a"));
        assertEquals(400, throttle.failed("a"));
        assertEquals(500, throttle.failed("a"));
        assertEquals(0, throttle.failed("b"), "another address is not slowed");
        throttle.succeeded("a");
        assertEquals(0, throttle.failed("a"), "a success clears the count");
    }
}
