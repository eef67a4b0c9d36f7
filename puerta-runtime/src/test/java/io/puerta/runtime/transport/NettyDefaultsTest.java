package io.puerta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NettyDefaultsTest {

    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty(NettyDefaults.LEAK_SAMPLING);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(NettyDefaults.LEAK_SAMPLING);
        } else {
            System.setProperty(NettyDefaults.LEAK_SAMPLING, before);
        }
    }

    @Test
    void samplesOneBufferIn4096WhenNobodySaidOtherwise() {
        System.clearProperty(NettyDefaults.LEAK_SAMPLING);
        NettyDefaults.apply();
        assertEquals("4096", System.getProperty(NettyDefaults.LEAK_SAMPLING));
    }

    @Test
    void keepsWhatJavaOptsSet() {
        System.setProperty(NettyDefaults.LEAK_SAMPLING, "1");
        NettyDefaults.apply();
        assertEquals("1", System.getProperty(NettyDefaults.LEAK_SAMPLING));
    }
}
