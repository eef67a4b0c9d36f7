package io.puerta.runtime.frontdoor;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/**
 * The file descriptors client connections may take: the process's limit less a reserve for backend connections,
 * files, the JVM, and the one descriptor that accepting a client to refuse it needs. Clients and the backend
 * connections clients hold for themselves (blocking commands, transactions, subscriptions) share it, so that the
 * proxy refuses a client with an answer before accept() fails for want of a descriptor and leaves it hanging.
 */
public final class Descriptors {

    private static final int ROOM = compute();

    private Descriptors() {}

    /** Client connections plus client-held backend connections that fit; {@link Integer#MAX_VALUE} if unknown. */
    public static int room() {
        return ROOM;
    }

    /** The process's descriptor limit, or -1 when the platform does not say. */
    public static long limit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount()
                : -1;
    }

    private static int compute() {
        long descriptors = limit();
        if (descriptors < 0) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, descriptors - Math.max(256, descriptors / 10)));
    }
}
