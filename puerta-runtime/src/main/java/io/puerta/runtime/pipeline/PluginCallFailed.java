package io.puerta.runtime.pipeline;

/** A guarded call into a plugin failed; the message says so in words fit for the client's error reply. */
public final class PluginCallFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PluginCallFailed(String message) {
        super(message, null, false, false);
    }
}
