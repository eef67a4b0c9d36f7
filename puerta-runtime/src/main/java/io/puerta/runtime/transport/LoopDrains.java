package io.puerta.runtime.transport;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the drains that became due on an event loop together, as one task of that loop. A backend read completes the
 * replies of many clients of the loop at once; given to the loop one by one, each drain cost a task of its own (an
 * entry in the loop's task queue, taken out again and run): 4% of the samples of GET at pipeline 16. Together they
 * cost one task per read, and each still runs after the read that made it due, as before.
 *
 * <p>A drain due on another thread goes to its loop as a task of its own.
 */
public final class LoopDrains implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(LoopDrains.class);

    // the current event loop's drains; only ever used by that loop's thread
    private static final FastThreadLocal<LoopDrains> OF_THIS_LOOP = new FastThreadLocal<>();

    private final EventLoop loop;
    private ArrayList<Runnable> due = new ArrayList<>();
    private ArrayList<Runnable> running = new ArrayList<>();
    private boolean scheduled;

    private LoopDrains(EventLoop loop) {
        this.loop = loop;
    }

    /**
     * Runs {@code drain} on {@code loop} soon, after what the loop is doing now.
     *
     * @throws RejectedExecutionException when the loop has shut down
     */
    public static void runSoon(EventLoop loop, Runnable drain) {
        if (!loop.inEventLoop()) {
            loop.execute(drain);
            return;
        }
        LoopDrains drains = OF_THIS_LOOP.get();
        if (drains == null || drains.loop != loop) {
            drains = new LoopDrains(loop);
            OF_THIS_LOOP.set(drains);
        }
        drains.add(drain);
    }

    private void add(Runnable drain) {
        due.add(drain);
        if (!scheduled) {
            try {
                loop.execute(this);
            } catch (RejectedExecutionException e) {
                due.clear(); // the loop has shut down: nothing runs here any more, and the caller hears of it
                throw e;
            }
            scheduled = true;
        }
    }

    @Override
    public void run() {
        scheduled = false;
        // a drain may make others due (a write that fails closes a channel): they go in the next task
        ArrayList<Runnable> now = due;
        due = running;
        running = now;
        for (int i = 0; i < now.size(); i++) {
            try {
                now.get(i).run();
            } catch (Throwable t) {
                log.warn("a client's drain failed", t); // as the loop would, for a task of its own
            }
        }
        now.clear();
    }
}
