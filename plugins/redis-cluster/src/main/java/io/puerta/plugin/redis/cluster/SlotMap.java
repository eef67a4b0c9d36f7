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

    /**
     * Above this many runs of slots with one master, {@link #master} reads {@link #masters} directly. A cluster's
     * slots are mostly a few long runs (one per master, a few more after resharding).
     */
    static final int MAX_RUNS = 128;

    private final Backend[] masters;
    private final List<List<Backend>> replicas;
    // The runs of slots: the last slot of each, and its master (null: not served). The hot path looks a slot up
    // here, in a few cache lines, instead of in the 16384 references of masters: a random line of those 64 KB is
    // rarely in the cache at the next request (GET at pipeline 16: 7% of the samples). Built on the first lookup
    // after a change, on the routing stage like every lookup; null when there are more than MAX_RUNS runs.
    private int[] runEnds;
    private Backend[] runMasters;
    private boolean indexed;

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
        if (!indexed) {
            index();
        }
        int[] ends = runEnds;
        if (ends == null) {
            return masters[slot];
        }
        int low = 0;
        int high = ends.length - 1;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (ends[middle] < slot) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return runMasters[low];
    }

    private void index() {
        indexed = true;
        int runs = 1;
        for (int slot = 1; slot < masters.length; slot++) {
            if (masters[slot] != masters[slot - 1]) {
                runs++;
            }
        }
        if (runs > MAX_RUNS) {
            runEnds = null;
            runMasters = null;
            return;
        }
        int[] ends = new int[runs];
        Backend[] owners = new Backend[runs];
        int run = 0;
        for (int slot = 0; slot < masters.length; slot++) {
            if (slot == masters.length - 1 || masters[slot + 1] != masters[slot]) {
                ends[run] = slot;
                owners[run] = masters[slot];
                run++;
            }
        }
        runEnds = ends;
        runMasters = owners;
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
        indexed = false;
    }

    void move(int slot, Backend master) {
        masters[slot] = master;
        replicas.set(slot, List.of());
        indexed = false;
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
