package io.puerta.runtime.frontdoor;

/** What the listener needs of one client connection, whatever its protocol. Every method may be called from any thread. */
public interface ClientHandle {

    /**
     * Stops taking requests (shutdown): replies owed for requests already read are still written, then the
     * connection closes.
     */
    void stopReading();

    /** Replies owed: requests read from this client whose replies have not been written yet. */
    int repliesOwed();

    /** Closes the connection now. */
    void close();
}
