package io.puerta.runtime.protocol.resp;

import java.util.ArrayList;
import java.util.List;

/**
 * What a backend connection must be set to before it carries a client's requests: the RESP version the client
 * speaks (a RESP3 client's replies come from a connection that said {@code HELLO 3}, so every reply type reaches it
 * as the server made it) and the database the client selected. Clients of one setup share connections; each setup
 * has its own, opened on first use.
 *
 * @param protocol 2 or 3
 * @param database the database number, 0 unless the client selected another
 */
public record ConnectionSetup(int protocol, int database) {

    /** A client that said nothing: RESP2, database 0. */
    public static final ConnectionSetup DEFAULT = new ConnectionSetup(2, 0);

    public ConnectionSetup {
        if (protocol != 2 && protocol != 3) {
            throw new IllegalArgumentException("RESP version must be 2 or 3, not " + protocol);
        }
        if (database < 0) {
            throw new IllegalArgumentException("database must be >= 0, not " + database);
        }
    }

    public static ConnectionSetup of(int protocol, int database) {
        return protocol == 2 && database == 0 ? DEFAULT : new ConnectionSetup(protocol, database);
    }

    public boolean isDefault() {
        return protocol == 2 && database == 0;
    }

    /**
     * The commands that set a new connection up, each of which must succeed before any request goes: HELLO 3 and
     * SELECT n where needed.
     */
    public List<List<String>> commands() {
        List<List<String>> commands = new ArrayList<>(2);
        if (protocol == 3) {
            commands.add(List.of("HELLO", "3"));
        }
        if (database != 0) {
            commands.add(List.of("SELECT", Integer.toString(database)));
        }
        return commands;
    }

    @Override
    public String toString() {
        return "RESP" + protocol + (database == 0 ? "" : ", database " + database);
    }
}
