package io.puerta.runtime.frontdoor.resp;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/** The RESP clients connected now, by connection id: what CLIENT LIST shows and CLIENT KILL closes. */
final class RespClients {

    private final ConcurrentHashMap<Long, ClientSession> sessions = new ConcurrentHashMap<>();

    void add(ClientSession session) {
        sessions.put(session.clientId(), session);
    }

    void remove(ClientSession session) {
        sessions.remove(session.clientId(), session);
    }

    /** The clients in the order they connected (ids only grow). */
    Collection<ClientSession> all() {
        return sessions.values().stream()
                .sorted(java.util.Comparator.comparingLong(ClientSession::clientId))
                .toList();
    }

    ClientSession byId(long id) {
        return sessions.get(id);
    }
}
