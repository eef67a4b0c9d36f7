package io.puerta.plugin.redis.cluster;

import io.puerta.spi.backend.Backend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Makes one slot map out of several nodes' views, the way the cluster itself settles who owns a slot: the claim with
 * the highest configuration epoch wins. So a view that has not yet heard of a failover (the old master, or a node the
 * news has not reached) never takes a slot back from the promoted replica, whichever view arrived first.
 */
final class ViewMerge {

    private ViewMerge() {}

    static SlotMap merge(List<NodesView> views, BiFunction<String, Integer, Backend> backends) {
        long[] epochs = new long[HashSlot.SLOTS];
        Arrays.fill(epochs, -1);
        String[] owners = new String[HashSlot.SLOTS];
        // each node as the newest view describes it (a promoted replica is a master in the fresh views)
        Map<String, NodesView.Entry> nodes = new HashMap<>();
        for (NodesView view : views) {
            for (NodesView.Entry node : view.nodes()) {
                nodes.merge(node.id(), node, (known, seen) -> seen.epoch() > known.epoch() ? seen : known);
                if (!node.master() || !node.addressable()) {
                    continue;
                }
                for (int[] range : node.slots()) {
                    for (int slot = range[0]; slot <= range[1]; slot++) {
                        if (node.epoch() > epochs[slot]) {
                            epochs[slot] = node.epoch();
                            owners[slot] = node.id();
                        }
                    }
                }
            }
        }
        Map<String, List<Backend>> replicas = new HashMap<>();
        for (NodesView.Entry node : nodes.values()) {
            if (!node.master() && node.masterId() != null && node.addressable() && !node.failed()) {
                replicas.computeIfAbsent(node.masterId(), id -> new ArrayList<>())
                        .add(backends.apply(node.host(), node.port()));
            }
        }
        for (List<Backend> list : replicas.values()) {
            list.sort(java.util.Comparator.comparing(Backend::address)); // the same map whatever the order of views
        }
        SlotMap map = SlotMap.empty();
        int slot = 0;
        while (slot < HashSlot.SLOTS) {
            String owner = owners[slot];
            int end = slot;
            while (end + 1 < HashSlot.SLOTS && java.util.Objects.equals(owners[end + 1], owner)) {
                end++;
            }
            if (owner != null) {
                NodesView.Entry master = nodes.get(owner);
                map.assign(
                        slot,
                        end,
                        backends.apply(master.host(), master.port()),
                        replicas.getOrDefault(owner, List.of()));
            }
            slot = end + 1;
        }
        return map;
    }
}
