package io.puerta.runtime.pipeline;

/**
 * What the routing stage does with the messages of one front door. A front door publishes a message with its
 * handler and a context (where the answer goes); the ring carries the three as they are, so a message crosses it
 * without allocating.
 *
 * <p>Threads: every method runs on the routing stage, the single writer of routing state (in {@code event-loop}
 * mode, on an I/O thread holding the stage's lock).
 *
 * @param <M> the message, which the handler owns during {@link #route}
 * @param <C> where its answer goes
 */
public interface StageHandler<M, C> {

    /** Routes one message: stages it on backend connections through {@code dispatch}, or answers it. */
    void route(M message, C context, Dispatch dispatch);

    /**
     * {@link #route} threw: a runtime bug, not a plugin's (routers are guarded). Release the message if still owned
     * and answer its client with an error naming {@code cause}.
     */
    void failed(M message, C context, Throwable cause);

    /** The message never reached the stage (its client left first, or the proxy stopped): release it. */
    void discard(M message, C context);
}
