package io.puerta.plugin.pikiwidb.slots;

import io.puerta.plugin.redis.common.HashTag;
import io.puerta.spi.backend.Backend;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A codis-style slot table: {@code crc32(key) % count} names a slot, and every slot has one owning server. The
 * hash tag works as in codis and Redis Cluster: only the part between the first "{" and the next "}" is hashed.
 * Immutable.
 */
public final class SlotTable {

    private final Backend[] owners;
    private final byte[] hashTag;

    public SlotTable(Backend[] owners, String hashTag) {
        this.owners = owners.clone();
        this.hashTag = hashTag.isEmpty() ? null : hashTag.getBytes(StandardCharsets.UTF_8);
    }

    public int count() {
        return owners.length;
    }

    public Backend owner(int slot) {
        return owners[slot];
    }

    public int slotOf(byte[] key) {
        int[] span = hashTag == null ? new int[] {0, key.length} : HashTag.span(key, hashTag[0], hashTag[1]);
        CRC32 crc = new CRC32();
        crc.update(key, span[0], span[1] - span[0]);
        return (int) (crc.getValue() % owners.length);
    }

    /** The distinct owners, in the order of the first slot each owns. */
    public List<Backend> servers() {
        return List.copyOf(new LinkedHashSet<>(Arrays.asList(owners)));
    }

    /** This table with slots {@code from} to {@code to} given to {@code server}. */
    public SlotTable reassigned(int from, int to, Backend server) {
        Backend[] next = owners.clone();
        java.util.Arrays.fill(next, from, to + 1, server);
        return new SlotTable(next, hashTag == null ? "" : new String(hashTag, StandardCharsets.UTF_8));
    }

    /** The slots whose owner differs in {@code next}; both tables must have the same slot count. */
    public List<Integer> changedIn(SlotTable next) {
        List<Integer> changed = new ArrayList<>();
        for (int slot = 0; slot < owners.length; slot++) {
            if (!owners[slot].equals(next.owners[slot])) {
                changed.add(slot);
            }
        }
        return changed;
    }
}
