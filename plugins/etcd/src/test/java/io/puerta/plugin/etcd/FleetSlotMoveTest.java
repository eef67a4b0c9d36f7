package io.puerta.plugin.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Slot moves of a pikiwidb-slots table across a fleet of three instances on a real etcd, under load through all
 * three: no wrong answer and no acknowledged write lost; a member that died before the move holds it until it is
 * forgotten; a member killed while the keys migrate does not stop the move from completing.
 */
class FleetSlotMoveTest {

    private static final int SLOTS = 64;

    @TempDir
    Path dir;

    private static String shared(RedisServerProcess first, RedisServerProcess second, String migration) {
        return "puerta {\n"
                + "  router = \"pikiwidb-slots\"\n"
                + "  " + TestProxy.backends(first, second) + "\n"
                + "  pikiwidb.slots { count = " + SLOTS + ", ranges = [{ slots = \"0-" + (SLOTS - 1)
                + "\", server = \"" + first.address() + "\" }]\n"
                + "    migration { " + migration + " } }\n"
                + "}\n";
    }

    private static int slotOf(String key) {
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % SLOTS);
    }

    @Test
    void aMoveUnderLoadThroughThreeInstancesLosesNothing() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start(1);
                RedisServerProcess first = RedisServerProcess.start();
                RedisServerProcess second = RedisServerProcess.start();
                Fleet fleet = new Fleet(etcd, dir, "/puerta/move")) {
            fleet.push(shared(first, second, "batch = 10"));
            List<TestProxy> proxies = List.of(fleet.start("p1"), fleet.start("p2"), fleet.start("p3"));
            SlotLoad load = new SlotLoad(proxies, 2, 300);
            try {
                load.awaitProgress();
                Fleet.Cli move = fleet.cli("slots", "move", "0-31", second.address());
                assertEquals(0, move.code(), move.out() + move.err());
                assertTrue(
                        move.out().contains("move 1 done: slots 0-31 are served by " + second.address()), move.out());
                load.awaitProgress();
            } finally {
                load.close();
            }
            assertEquals(List.of(), load.errors());
            assertEquals(0, load.wrongAnswers());

            // every acknowledged write is there, through every instance and on the server its slot names now
            Map<String, String> written = load.acknowledged();
            assertTrue(written.size() > 100, "keys written: " + written.size());
            try (Jedis onFirst = new Jedis("127.0.0.1", first.port());
                    Jedis onSecond = new Jedis("127.0.0.1", second.port())) {
                for (Map.Entry<String, String> entry : written.entrySet()) {
                    boolean moved = slotOf(entry.getKey()) < 32;
                    Jedis owner = moved ? onSecond : onFirst;
                    Jedis other = moved ? onFirst : onSecond;
                    assertEquals(entry.getValue(), owner.get(entry.getKey()), entry.getKey());
                    assertNull(other.get(entry.getKey()), entry.getKey());
                }
            }
            for (TestProxy proxy : proxies) {
                try (Jedis client = new Jedis("127.0.0.1", proxy.port())) {
                    for (Map.Entry<String, String> entry : written.entrySet()) {
                        assertEquals(entry.getValue(), client.get(entry.getKey()), entry.getKey());
                    }
                }
            }
            // the table changes through moves only: a push that would move keys is refused, one that keeps the
            // table goes through, and the move done stays in force over it
            java.nio.file.Path edited = dir.resolve("edited.conf");
            java.nio.file.Files.writeString(
                    edited,
                    shared(first, second, "batch = 10")
                            .replace(
                                    "ranges = [{ slots = \"0-" + (SLOTS - 1) + "\", server = \"" + first.address()
                                            + "\" }]",
                                    "ranges = [{ slots = \"0-" + (SLOTS - 1) + "\", server = \"" + second.address()
                                            + "\" }]"));
            Fleet.Cli refused = fleet.cli("config", "push", edited.toString());
            assertEquals(1, refused.code(), refused.out());
            assertTrue(refused.err().contains("it changes puerta.pikiwidb.slots.ranges"), refused.err());
            long same = fleet.push(shared(first, second, "batch = 20"));
            for (TestProxy proxy : proxies) {
                Await.until("every instance runs with revision " + same, () -> Fleet.appliedRevision(proxy) == same);
            }

            // the table is the fleet's: the move is recorded as done, and a member started now routes by it
            TestProxy late = fleet.start("p4");
            try (Jedis client = new Jedis("127.0.0.1", late.port())) {
                for (Map.Entry<String, String> entry : written.entrySet()) {
                    assertEquals(entry.getValue(), client.get(entry.getKey()), entry.getKey());
                }
            }
        }
    }

    @Test
    void aDeadMemberHoldsTheMoveUntilForgottenAndOneKilledWhileMigratingDoesNot() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start(1);
                RedisServerProcess first = RedisServerProcess.start();
                RedisServerProcess second = RedisServerProcess.start();
                Fleet fleet = new Fleet(etcd, dir, "/puerta/kill")) {
            // a slow background migration: one key per MIGRATE, a pause after each
            fleet.push(shared(first, second, "batch = 1, pause = 20ms"));
            List<TestProxy> proxies = List.of(fleet.start("p1"), fleet.start("p2"));
            try (Jedis client = new Jedis("127.0.0.1", proxies.get(0).port())) {
                for (int i = 0; i < 400; i++) {
                    client.set("seed:" + i, Integer.toString(i));
                }
            }

            // a member dies before the move: its announcement lapses, but it is still on the roster
            Process doomed = fleet.startProcess("p3");
            Await.until(
                    "p3 has joined", () -> fleet.cli("fleet", "status").out().contains("3 member(s)"));
            doomed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            Await.until("p3's lease has run out", () -> {
                String status = fleet.cli("fleet", "status").out();
                if (!status.contains("1 absent")) {
                    throw new IllegalStateException(status); // the cause shown if it never happens
                }
                return true;
            });
            SlotLoad load = new SlotLoad(proxies, 2, 300);
            try {
                load.awaitProgress();
                Fleet.Cli held = fleet.cli("slots", "move", "0-31", second.address(), "--timeout", "2s");
                assertEquals(1, held.code(), held.out() + held.err());
                assertTrue(held.err().contains("called off, nothing moved: p3 (absent)"), held.err());
                load.awaitProgress(); // the slots are served again, from where they were

                assertEquals(0, fleet.cli("fleet", "forget", "p3").code());

                // a member killed while the keys migrate: the move completes without it
                Process killed = fleet.startProcess("p5");
                Await.until("p5 has joined", () -> {
                    String status = fleet.cli("fleet", "status").out();
                    if (!status.contains("3 member(s)")) {
                        throw new IllegalStateException(status); // the cause shown if it never happens
                    }
                    return true;
                });
                CompletableFuture<Fleet.Cli> move =
                        CompletableFuture.supplyAsync(() -> fleet.cli("slots", "move", "0-31", second.address()));
                Await.until("the move is migrating", () -> Fleet.status(proxies.get(0))
                        .getString("routing.fleet.state")
                        .equals("migrating"));
                killed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                Fleet.Cli done = move.get(60, TimeUnit.SECONDS);
                assertEquals(0, done.code(), done.out() + done.err());
                assertTrue(done.out().contains("done: slots 0-31"), done.out());
                load.awaitProgress();
            } finally {
                load.close();
            }
            assertEquals(List.of(), load.errors());
            assertEquals(0, load.wrongAnswers());
            try (Jedis onFirst = new Jedis("127.0.0.1", first.port());
                    Jedis onSecond = new Jedis("127.0.0.1", second.port())) {
                for (int i = 0; i < 400; i++) {
                    String key = "seed:" + i;
                    Jedis owner = slotOf(key) < 32 ? onSecond : onFirst;
                    assertEquals(Integer.toString(i), owner.get(key), key);
                }
                for (Map.Entry<String, String> entry : load.acknowledged().entrySet()) {
                    Jedis owner = slotOf(entry.getKey()) < 32 ? onSecond : onFirst;
                    assertEquals(entry.getValue(), owner.get(entry.getKey()), entry.getKey());
                }
            }
        }
    }
}
