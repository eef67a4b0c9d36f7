package io.puerta.plugin.redis.cluster;

import io.puerta.spi.backend.Backend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which master serves each of the 16384 slots, and its replicas, as CLUSTER SLOTS reported it. Owned by the
 * routing stage: the topology refresher builds new maps on its own thread and hands them over whole; a MOVED
 * redirection updates one slot in place (the routing stage is the only writer).
 */
final class SlotMap {

    private final Backend[] masters;
    private final List<List<Backend>> replicas;

    SlotMap(Backend[] masters, List<List<Backend>> replicas) {
        this.masters = masters;
        this.replicas = replicas;
    }

    static SlotMap empty() {
        List<List<Backend>> none = new ArrayList<>(HashSlot.SLOTS);
        for (int i = 0; i < HashSlot.SLOTS; i++) {
            none.add(List.of());
        }
        return new SlotMap(new Backend[HashSlot.SLOTS], none);
    }

    Backend master(int slot) {
        return masters[slot];
    }

    List<Backend> replicas(int slot) {
        return replicas.get(slot);
    }

    /** Gives the slots {@code from..to} to {@code master}, with its replicas (the topology reader filling a map). */
    void assign(int from, int to, Backend master, List<Backend> replicasOfMaster) {
        List<Backend> copy = List.copyOf(replicasOfMaster);
        for (int slot = from; slot <= to; slot++) {
            masters[slot] = master;
            replicas.set(slot, copy);
        }
    }

    void move(int slot, Backend master) {
        masters[slot] = master;
        replicas.set(slot, List.of());
    }

    /** The masters, in order of the first slot each serves. */
    List<Backend> masters() {
        Set<Backend> all = new LinkedHashSet<>();
        for (Backend master : masters) {
            if (master != null) {
                all.add(master);
            }
        }
        return List.copyOf(all);
    }

    int servedSlots() {
        return (int) Arrays.stream(masters).filter(m -> m != null).count();
    }

    boolean sameAs(SlotMap other) {
        return Arrays.equals(masters, other.masters) && replicas.equals(other.replicas);
    }
}
