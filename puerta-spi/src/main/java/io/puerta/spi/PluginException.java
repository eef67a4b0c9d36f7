package io.puerta.spi;

/**
 * Thrown by plugin code for a failure that concerns one request or one operation. The runtime answers the client
 * with the message and carries on.
 */
public class PluginException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A failure with a message the client will see. */
    public PluginException(String message) {
        super(message);
    }

    /** A failure with a message the client will see, and its cause for the log. */
    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
