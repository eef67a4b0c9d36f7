package io.puerta.runtime.server;

import io.puerta.runtime.pipeline.RequestRing;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands plugin tasks to the routing stage. Routers are created before the ring exists, and may submit work from
 * their own threads at once (a first topology refresh): such tasks wait here until the ring starts.
 */
final class RoutingStageTasks {

    private final List<Runnable> early = new ArrayList<>();
    private RequestRing ring;

    synchronized void submit(Runnable task) {
        if (ring == null) {
            early.add(task);
        } else {
            ring.publishControl(task);
        }
    }

    synchronized void attach(RequestRing started) {
        ring = started;
        for (Runnable task : early) {
            ring.publishControl(task);
        }
        early.clear();
    }
}
