package io.puerta.plugin.pikiwidb.ring;

import java.util.ArrayList;
import java.util.List;

/** twemproxy's modula: each server appears {@code weight} times in order; a key goes to entry {@code hash % n}. */
final class Modula implements Distribution {

    private final int[] entries;

    private Modula(int[] entries) {
        this.entries = entries;
    }

    static Modula build(List<RingServer> live) {
        List<Integer> entries = new ArrayList<>();
        for (RingServer server : live) {
            for (int w = 0; w < server.weight(); w++) {
                entries.add(server.index());
            }
        }
        return new Modula(entries.stream().mapToInt(Integer::intValue).toArray());
    }

    @Override
    public int select(int hash) {
        return entries[(int) Long.remainderUnsigned(hash & 0xffffffffL, entries.length)];
    }
}
