package io.puerta.runtime.testing;

import io.netty.util.ResourceLeakDetector;

/**
 * Tests run with paranoid leak detection, which records a stack trace per buffer access: right for correctness
 * tests, but a hundred times slower for a load of large replies or a flood of messages. Such a test runs its load
 * here, where leaks are still sampled.
 */
public final class LeakDetection {

    /** What a relaxed load runs. */
    @FunctionalInterface
    public interface Load {
        void run() throws Exception;
    }

    private LeakDetection() {}

    /** Runs {@code load} with leak detection sampled ({@code SIMPLE}), then restores the level. */
    public static void sampledDuring(Load load) throws Exception {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        try {
            load.run();
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }
}
