package io.puerta.plugin.redis.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.puerta.runtime.testing.TestingBackend;
import io.puerta.spi.backend.Backend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Views of the cluster from several nodes make one slot map: the newest claim of each slot wins. */
class ViewMergeTest {

    // A (7001, epoch 1) served 0-8191 with replica B (7003); B was promoted with epoch 5. C (7002) serves the rest.
    private static final String STALE =
            """
            aaa 127.0.0.1:7001@17001 master - 0 0 1 connected 0-8191
            ccc 127.0.0.1:7002@17002 myself,master - 0 0 2 connected 8192-16383
            bbb 127.0.0.1:7003@17003 slave aaa 0 0 1 connected
            """;
    private static final String FRESH =
            """
            aaa 127.0.0.1:7001@17001 master,fail - 0 0 1 disconnected
            ccc 127.0.0.1:7002@17002 master - 0 0 2 connected 8192-16383
            bbb :7003@17003,node-b myself,master - 0 0 5 connected 0-8191 [93->-ccc]
            """;

    @Test
    void theNewestClaimWinsWhicheverViewArrivesFirst() {
        for (List<String> order : List.of(List.of(STALE, FRESH), List.of(FRESH, STALE))) {
            SlotMap map = ViewMerge.merge(
                    order.stream().map(v -> NodesView.parse(v, "127.0.0.1")).toList(), this::backend);
            assertEquals("127.0.0.1:7003", map.master(0).address());
            assertEquals("127.0.0.1:7003", map.master(8191).address());
            assertEquals("127.0.0.1:7002", map.master(8192).address());
            assertEquals(List.of(), map.replicas(0), "the promoted replica is nobody's replica any more");
            assertEquals(16384, map.servedSlots());
        }
    }

    @Test
    void aStaleViewAloneGivesTheOldMapWithItsReplicas() {
        SlotMap map = ViewMerge.merge(List.of(NodesView.parse(STALE, "127.0.0.1")), this::backend);
        assertEquals("127.0.0.1:7001", map.master(100).address());
        assertEquals(List.of(backend("127.0.0.1", 7003)), map.replicas(100));
    }

    @Test
    void unassignedSlotsAndNodesInHandshakeServeNothing() {
        String view =
                """
                aaa 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-99 200
                ddd 127.0.0.1:7009@17009 handshake - 0 0 0 connected 300-400
                garbage
                """;
        SlotMap map = ViewMerge.merge(List.of(NodesView.parse(view, "127.0.0.1")), this::backend);
        assertEquals("127.0.0.1:7001", map.master(99).address());
        assertNull(map.master(100));
        assertEquals("127.0.0.1:7001", map.master(200).address());
        assertNull(map.master(300));
        assertEquals(101, map.servedSlots());
    }

    /** Backends are values: the same address is the same backend, as in the runtime. */
    private Backend backend(String host, int port) {
        return new TestingBackend(host, port);
    }
}
