package io.puerta.plugin.pikiwidb.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DistributionTest {

    private static final List<RingServer> SERVERS =
            List.of(new RingServer("a:1", 1, 0), new RingServer("b:1", 2, 1), new RingServer("c:1", 1, 2));

    @Test
    void randomSpreadsOverEveryLiveServerWhateverTheKey() {
        Distribution random = Distribution.Kind.RANDOM.build(SERVERS);
        int[] hits = new int[3];
        for (int i = 0; i < 3000; i++) {
            hits[random.select(42)]++;
        }
        for (int hit : hits) {
            assertTrue(
                    hit > 700, "each server is chosen about a third of the time: " + java.util.Arrays.toString(hits));
        }
        Distribution withoutB = Distribution.Kind.RANDOM.build(List.of(SERVERS.get(0), SERVERS.get(2)));
        for (int i = 0; i < 1000; i++) {
            assertTrue(withoutB.select(i) != 1, "an ejected server is never chosen");
        }
    }

    @Test
    void ketamaGivesEachServerPointsInProportionToItsWeight() {
        assertEquals(160, Ketama.pointsFor(1, 3, 3));
        assertEquals(80, Ketama.pointsFor(1, 6, 3));
        assertEquals(240, Ketama.pointsFor(3, 6, 3));
        assertEquals(480, ((Ketama) Distribution.Kind.KETAMA.build(SERVERS)).pointCount());
    }

    @Test
    void modulaDealsKeysOutInTwemproxysServerOrder() {
        // listed b, a, c; twemproxy sorts them a, b, c and repeats each by weight: a b b c
        Distribution modula = Distribution.Kind.MODULA.build(List.of(SERVERS.get(1), SERVERS.get(0), SERVERS.get(2)));
        assertEquals(
                List.of(0, 1, 1, 2), List.of(modula.select(0), modula.select(1), modula.select(2), modula.select(3)));
        assertEquals(0, modula.select(-4), "hashes are unsigned: 2^32 - 4 is a multiple of 4");
    }
}
