package io.puerta.plugin.redis.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The two-bytes-a-step CRC against the definition, bit by bit, for keys of every length up to 64 and every byte
 * value. ClusterRouterTest checks slots against a real node's CLUSTER KEYSLOT, tags included.
 */
class HashSlotTest {

    @Test
    void theCrcIsXmodemsForEveryLengthAndByte() {
        assertEquals(0x31C3, HashSlot.crc16("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9)); // its check value
        Random random = new Random(16384);
        for (int length = 0; length <= 64; length++) {
            for (int round = 0; round < 50; round++) {
                byte[] key = new byte[length];
                random.nextBytes(key);
                for (int i = 0; i < length; i++) {
                    if (key[i] == '{') {
                        key[i] = 'x'; // tags are the other test's
                    }
                }
                int expected = bitByBit(key);
                assertEquals(expected, HashSlot.crc16(key, 0, length), "length " + length);
                assertEquals(expected & (HashSlot.SLOTS - 1), HashSlot.of(key), "length " + length);
            }
        }
    }

    @Test
    void aTagAnywhereHashesOnlyItsContent() {
        for (String prefix : new String[] {"", "a", "ab", "abc"}) {
            byte[] key = (prefix + "{user42}:name").getBytes(StandardCharsets.US_ASCII);
            assertEquals(
                    bitByBit("user42".getBytes(StandardCharsets.US_ASCII)) & (HashSlot.SLOTS - 1), HashSlot.of(key));
        }
    }

    private static int bitByBit(byte[] bytes) {
        int crc = 0;
        for (byte b : bytes) {
            crc ^= (b & 0xff) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
            }
        }
        return crc;
    }
}
