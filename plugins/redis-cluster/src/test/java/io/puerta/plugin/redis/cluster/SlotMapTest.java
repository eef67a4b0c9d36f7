package io.puerta.plugin.redis.cluster;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.puerta.runtime.testing.TestingBackend;
import io.puerta.spi.backend.Backend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A slot's master, looked up in the runs of slots or, when there are too many runs, slot by slot. */
class SlotMapTest {

    private final Backend[] nodes = {
        new TestingBackend("127.0.0.1", 7001),
        new TestingBackend("127.0.0.1", 7002),
        new TestingBackend("127.0.0.1", 7003)
    };

    @Test
    void everySlotFindsItsMasterInThreeRuns() {
        SlotMap map = SlotMap.empty();
        map.assign(0, 5460, nodes[0], List.of());
        map.assign(5461, 10922, nodes[1], List.of());
        map.assign(10923, 16383, nodes[2], List.of());
        for (int slot = 0; slot < HashSlot.SLOTS; slot++) {
            assertSame(nodes[slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2], map.master(slot), "slot " + slot);
        }
    }

    @Test
    void unservedSlotsHaveNoMasterAtTheEdgesAndBetweenRuns() {
        SlotMap map = SlotMap.empty();
        map.assign(100, 199, nodes[0], List.of());
        map.assign(300, 16000, nodes[1], List.of());
        assertNull(map.master(0));
        assertNull(map.master(99));
        assertSame(nodes[0], map.master(100));
        assertSame(nodes[0], map.master(199));
        assertNull(map.master(200));
        assertSame(nodes[1], map.master(300));
        assertSame(nodes[1], map.master(16000));
        assertNull(map.master(16001));
        assertNull(map.master(16383));
        assertNull(SlotMap.empty().master(42));
    }

    @Test
    void aMoveIsSeenByTheNextLookup() {
        SlotMap map = SlotMap.empty();
        map.assign(0, 16383, nodes[0], List.of());
        assertSame(nodes[0], map.master(4000));
        map.move(4000, nodes[1]);
        assertSame(nodes[1], map.master(4000));
        assertSame(nodes[0], map.master(3999));
        assertSame(nodes[0], map.master(4001));
    }

    @Test
    void lookupsAgreeWithTheSlotsWithFewAndWithManyRuns() {
        // the runs cycle through 7001, 7002, nothing, 7003, so two runs side by side never have one owner
        Backend[] cycle = {nodes[0], nodes[1], null, nodes[2]};
        for (int runs : new int[] {SlotMap.MAX_RUNS, SlotMap.MAX_RUNS + 1, 4096}) {
            SlotMap map = SlotMap.empty();
            Backend[] expected = new Backend[HashSlot.SLOTS];
            for (int slot = 0; slot < HashSlot.SLOTS; slot++) {
                expected[slot] = cycle[(int) ((long) slot * runs / HashSlot.SLOTS) % cycle.length];
                if (expected[slot] != null) {
                    map.move(slot, expected[slot]);
                }
            }
            for (int slot = 0; slot < HashSlot.SLOTS; slot++) {
                assertSame(expected[slot], map.master(slot), "slot " + slot + " of " + runs + " runs");
            }
            map.move(HashSlot.SLOTS - 1, nodes[1]);
            assertSame(nodes[1], map.master(HashSlot.SLOTS - 1), "after a move, " + runs + " runs");
        }
    }
}
