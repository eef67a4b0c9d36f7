package io.puerta.runtime.server;

import io.puerta.runtime.pipeline.RequestSink;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands plugin tasks to the routing stage. Routers are created before the ring exists, and may submit work from
 * their own threads at once (a first topology refresh): such tasks wait here until the ring starts.
 */
final class RoutingStageTasks {

    private final List<Runnable> early = new ArrayList<>();
    private RequestSink ring;

    synchronized void submit(Runnable task) {
        if (ring == null) {
            early.add(task);
        } else {
            ring.control(task);
        }
    }

    synchronized void attach(RequestSink started) {
        ring = started;
        for (Runnable task : early) {
            ring.control(task);
        }
        early.clear();
    }
}
