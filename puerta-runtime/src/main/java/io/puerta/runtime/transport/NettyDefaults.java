package io.puerta.runtime.transport;

/**
 * Netty settings the launcher gives the proxy unless {@code JAVA_OPTS} names them: set before any Netty class loads,
 * because Netty reads them once, when its classes initialise.
 */
public final class NettyDefaults {

    /**
     * Leak detection stays on at Netty's default level, so that a buffer Puerta leaks in production shows in the log;
     * but it samples one buffer in 4096, not Netty's one in 128. A sampled buffer records the stack trace of its
     * allocation, and at one in 128 those traces took 1.6% of the CPU at pipeline 1. A leak on the request path still
     * shows within seconds under load; tests run with every buffer tracked (paranoid).
     */
    static final String LEAK_SAMPLING = "io.netty.leakDetection.samplingInterval";

    static final String LEAK_SAMPLING_DEFAULT = "4096";

    private NettyDefaults() {}

    /** Call first thing in {@code main}. */
    public static void apply() {
        if (System.getProperty(LEAK_SAMPLING) == null) {
            System.setProperty(LEAK_SAMPLING, LEAK_SAMPLING_DEFAULT);
        }
    }
}
