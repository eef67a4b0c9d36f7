package io.puerta.runtime.backend;

/** Told when a reply (or a subscriber's message) is ready to be written to a client; called on the completing thread. */
public interface ReplyListener {
    void replyReady();
}
