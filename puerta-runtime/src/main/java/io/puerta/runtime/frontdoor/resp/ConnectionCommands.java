package io.puerta.runtime.frontdoor.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.puerta.runtime.backend.ReplySlot;
import io.puerta.runtime.protocol.resp.ConnectionSetup;
import io.puerta.runtime.protocol.resp.RespReplyBuilder;
import io.puerta.runtime.protocol.resp.RespRequest;
import io.puerta.runtime.protocol.resp.RespWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * The commands about a client's own connection to the proxy, answered by the runtime whatever the router: HELLO
 * (the RESP version), CLIENT (names, ids, the list of the proxy's clients, KILL, REPLY), SELECT and RESET. They set
 * the client's {@link ConnectionSetup}, which decides the backend connections its later requests take. Routing
 * stage only, in the client's request order, so a switch applies exactly from the next request on.
 */
final class ConnectionCommands {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    /** The client types CLIENT LIST and CLIENT KILL take, as Redis names them. */
    private static final java.util.Set<String> CLIENT_TYPES =
            java.util.Set.of("normal", "master", "replica", "slave", "pubsub");

    private final RespClients clients;
    private final IntSupplier databases;
    private final String version;
    private final java.util.function.LongConsumer routerForgets;
    private volatile ClusterView clusterView; // null: CLUSTER goes to the router (which refuses it)

    /**
     * @param databases how many databases clients may SELECT (the router's say)
     * @param routerForgets tells the router to drop what it keeps for a client (RESET: its transaction, its WATCH)
     */
    ConnectionCommands(RespClients clients, IntSupplier databases, java.util.function.LongConsumer routerForgets) {
        this.clients = clients;
        this.routerForgets = routerForgets;
        this.databases = databases;
        String implementation = ConnectionCommands.class.getPackage().getImplementationVersion();
        this.version = implementation == null ? "development" : implementation;
    }

    /** Answers CLUSTER with {@code view} from now on; null: leaves CLUSTER to the router. */
    void clusterView(ClusterView view) {
        this.clusterView = view;
    }

    static boolean isClientReply(RespRequest request) {
        return request.argCount() > 1
                && request.nameIs("CLIENT")
                && request.argString(1).equalsIgnoreCase("REPLY");
    }

    /** Whether {@code request} is one of these commands; then it is answered in {@code reply}. */
    boolean answer(RespRequest request, ReplySlot reply, ClientSession session) {
        String name = request.name();
        ByteBuf answer;
        switch (name) {
            case "HELLO" -> answer = hello(request, session);
            case "CLIENT" -> answer = client(request, session);
            case "SELECT" -> answer = select(request, session);
            case "CLUSTER" -> {
                ClusterView view = clusterView;
                if (view == null) {
                    return false;
                }
                answer = view.answer(ALLOC, request, session.setup().protocol());
            }
            case "READONLY", "READWRITE", "ASKING" -> {
                // what cluster clients send their nodes: every instance serves every key, reads and writes alike
                if (clusterView == null) {
                    return false;
                }
                answer = RespWriter.status(ALLOC, "OK");
            }
            case "RESET" -> {
                if (request.argCount() != 1) {
                    answer = arity("reset");
                } else {
                    session.reset();
                    routerForgets.accept(session.clientId());
                    answer = RespWriter.status(ALLOC, "RESET");
                }
            }
            default -> {
                return false;
            }
        }
        if (answer != null) {
            reply.complete(answer);
        } else {
            reply.complete(io.netty.buffer.Unpooled.EMPTY_BUFFER); // CLIENT REPLY OFF and SKIP are not answered
        }
        return true;
    }

    /** HELLO [protover [AUTH username password] [SETNAME clientname]]: AUTH was checked before, by the login. */
    private ByteBuf hello(RespRequest request, ClientSession session) {
        int argc = request.argCount();
        int protocol = session.setup().protocol();
        if (argc > 1) {
            String asked = request.argString(1);
            if (!asked.equals("2") && !asked.equals("3")) {
                return asked.matches("-?\\d+")
                        ? RespWriter.error(ALLOC, "NOPROTO unsupported protocol version")
                        : RespWriter.error(ALLOC, "Protocol version is not an integer or out of range");
            }
            protocol = asked.charAt(0) - '0';
        }
        String newName = null;
        for (int i = 2; i < argc; i++) {
            String option = request.argString(i).toUpperCase(Locale.ROOT);
            if (option.equals("AUTH") && i + 2 < argc) {
                i += 2; // the proxy's login checked it already (or the proxy has no users, as a nopass server)
            } else if (option.equals("SETNAME") && i + 1 < argc) {
                newName = request.argString(++i);
                String invalid = invalidName(newName);
                if (invalid != null) {
                    return RespWriter.error(ALLOC, invalid);
                }
            } else {
                return RespWriter.error(ALLOC, "Syntax error in HELLO option '" + request.argString(i) + "'");
            }
        }
        if (newName != null) {
            session.name = newName.isEmpty() ? null : newName;
        }
        session.setup(ConnectionSetup.of(protocol, session.setup().database()));
        return new RespReplyBuilder(ALLOC, protocol)
                .map(7)
                .bulk("server")
                .bulk("puerta")
                .bulk("version")
                .bulk(version)
                .bulk("proto")
                .integer(protocol)
                .bulk("id")
                .integer(session.clientId())
                .bulk("mode")
                .bulk("standalone") // to clients the proxy is one plain server, whatever it fronts
                .bulk("role")
                .bulk("master")
                .bulk("modules")
                .array(0)
                .build();
    }

    private ByteBuf select(RespRequest request, ClientSession session) {
        if (request.argCount() != 2) {
            return arity("select");
        }
        int database;
        try {
            database = Integer.parseInt(request.argString(1));
        } catch (NumberFormatException e) {
            return RespWriter.error(ALLOC, "value is not an integer or out of range");
        }
        int available = databases.getAsInt();
        if (database != 0 && available <= 1) {
            return RespWriter.error(
                    ALLOC, "SELECT is not allowed in cluster mode" + " (through this proxy only database 0 is served)");
        }
        if (database < 0 || database >= available) {
            return RespWriter.error(ALLOC, "DB index is out of range");
        }
        session.setup(ConnectionSetup.of(session.setup().protocol(), database));
        return RespWriter.status(ALLOC, "OK");
    }

    private ByteBuf client(RespRequest request, ClientSession session) {
        int argc = request.argCount();
        if (argc < 2) {
            return arity("client");
        }
        String sub = request.argString(1).toUpperCase(Locale.ROOT);
        int protocol = request.respVersion();
        switch (sub) {
            case "ID":
                return argc != 2 ? arity("client|id") : RespWriter.integer(ALLOC, session.clientId());
            case "SETNAME": {
                if (argc != 3) {
                    return arity("client|setname");
                }
                String name = request.argString(2);
                String invalid = invalidName(name);
                if (invalid != null) {
                    return RespWriter.error(ALLOC, invalid);
                }
                session.name = name.isEmpty() ? null : name;
                return RespWriter.status(ALLOC, "OK");
            }
            case "GETNAME": {
                if (argc != 2) {
                    return arity("client|getname");
                }
                String name = session.name;
                RespReplyBuilder reply = new RespReplyBuilder(ALLOC, protocol);
                return (name == null ? reply.nil() : reply.bulk(name)).build();
            }
            case "SETINFO":
                return setInfo(request, session);
            case "INFO":
                return argc != 2
                        ? arity("client|info")
                        : new RespReplyBuilder(ALLOC, protocol)
                                .verbatim(line(session) + "\n")
                                .build();
            case "LIST":
                return list(request, protocol);
            case "KILL":
                return kill(request, session);
            case "REPLY":
                return reply(request, session);
            case "NO-EVICT":
            case "NO-TOUCH":
                return flag(request, session, sub);
            case "HELP":
                return help(protocol);
            case "TRACKING":
            case "CACHING":
            case "GETREDIR":
            case "TRACKINGINFO":
                return RespWriter.error(
                        ALLOC,
                        "CLIENT " + sub + " is not supported through the proxy: client-side"
                                + " caching needs invalidations from every server, which the proxy does not relay");
            case "PAUSE":
            case "UNPAUSE":
            case "UNBLOCK":
                return RespWriter.error(
                        ALLOC,
                        "CLIENT " + sub + " is not supported through the proxy: it acts on"
                                + " one server's clients, and the proxy's clients are not the servers' (ask the servers"
                                + " directly)");
            default:
                return RespWriter.error(ALLOC, "unknown subcommand '" + request.argString(1) + "'. Try CLIENT HELP.");
        }
    }

    /** CLIENT SETINFO LIB-NAME name | LIB-VER version: shown by CLIENT LIST and INFO. */
    private static ByteBuf setInfo(RespRequest request, ClientSession session) {
        if (request.argCount() != 4) {
            return arity("client|setinfo");
        }
        String attribute = request.argString(2).toUpperCase(Locale.ROOT);
        String value = request.argString(3);
        if (!printable(value)) {
            return RespWriter.error(
                    ALLOC,
                    attribute.toLowerCase(Locale.ROOT) + " cannot contain spaces, newlines or special characters.");
        }
        switch (attribute) {
            case "LIB-NAME" -> session.libName = value;
            case "LIB-VER" -> session.libVersion = value;
            default -> {
                return RespWriter.error(ALLOC, "Unrecognized option '" + request.argString(2) + "'");
            }
        }
        return RespWriter.status(ALLOC, "OK");
    }

    /** CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID id ...]: the proxy's own clients. */
    private ByteBuf list(RespRequest request, int protocol) {
        String type = null;
        java.util.Set<Long> ids = null;
        int argc = request.argCount();
        for (int i = 2; i < argc; i++) {
            String option = request.argString(i).toUpperCase(Locale.ROOT);
            if (option.equals("TYPE") && i + 1 < argc) {
                type = request.argString(++i).toLowerCase(Locale.ROOT);
                if (!CLIENT_TYPES.contains(type)) {
                    return RespWriter.error(ALLOC, "Unknown client type '" + request.argString(i) + "'");
                }
            } else if (option.equals("ID") && i + 1 < argc) {
                ids = new java.util.HashSet<>();
                while (i + 1 < argc) {
                    try {
                        long id = Long.parseLong(request.argString(++i));
                        if (id <= 0) {
                            throw new NumberFormatException();
                        }
                        ids.add(id);
                    } catch (NumberFormatException e) {
                        return RespWriter.error(ALLOC, "Invalid client ID");
                    }
                }
            } else {
                return RespWriter.error(ALLOC, "syntax error");
            }
        }
        StringBuilder text = new StringBuilder();
        for (ClientSession client : clients.all()) {
            if ((ids == null || ids.contains(client.clientId())) && (type == null || type.equals(typeOf(client)))) {
                text.append(line(client)).append('\n');
            }
        }
        return new RespReplyBuilder(ALLOC, protocol).verbatim(text.toString()).build();
    }

    /**
     * CLIENT KILL addr (answers OK or an error) or CLIENT KILL filter value ... (answers how many were closed):
     * ID, ADDR, LADDR, USER, TYPE, SKIPME, MAXAGE. Closes the proxy's client connections, never a server's.
     */
    private ByteBuf kill(RespRequest request, ClientSession self) {
        int argc = request.argCount();
        if (argc < 3) {
            return arity("client|kill");
        }
        if (argc == 3) {
            String address = request.argString(2);
            for (ClientSession client : clients.all()) {
                if (client.address.equals(address)) {
                    kill(client, self);
                    return RespWriter.status(ALLOC, "OK");
                }
            }
            return RespWriter.error(ALLOC, "No such client");
        }
        if (argc % 2 != 0) {
            return RespWriter.error(ALLOC, "syntax error");
        }
        Long id = null;
        String address = null;
        String localAddress = null;
        String user = null;
        String type = null;
        long maxAge = -1;
        boolean skipMe = true;
        for (int i = 2; i < argc; i += 2) {
            String filter = request.argString(i).toUpperCase(Locale.ROOT);
            String value = request.argString(i + 1);
            switch (filter) {
                case "ID" -> {
                    try {
                        id = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        return RespWriter.error(ALLOC, "client-id should be greater than 0");
                    }
                }
                case "ADDR" -> address = value;
                case "LADDR" -> localAddress = value;
                case "USER" -> user = value;
                case "TYPE" -> {
                    type = value.toLowerCase(Locale.ROOT);
                    if (!CLIENT_TYPES.contains(type)) {
                        return RespWriter.error(ALLOC, "Unknown client type '" + value + "'");
                    }
                }
                case "SKIPME" -> {
                    if (value.equalsIgnoreCase("yes")) {
                        skipMe = true;
                    } else if (value.equalsIgnoreCase("no")) {
                        skipMe = false;
                    } else {
                        return RespWriter.error(ALLOC, "syntax error");
                    }
                }
                case "MAXAGE" -> {
                    try {
                        maxAge = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        return RespWriter.error(ALLOC, "syntax error");
                    }
                }
                default -> {
                    return RespWriter.error(ALLOC, "syntax error");
                }
            }
        }
        long now = System.currentTimeMillis();
        List<ClientSession> doomed = new ArrayList<>();
        for (ClientSession client : clients.all()) {
            if ((id == null || client.clientId() == id)
                    && (address == null || client.address.equals(address))
                    && (localAddress == null || client.localAddress.equals(localAddress))
                    && (user == null || user.equals(client.user))
                    && (type == null || type.equals(typeOf(client)))
                    && (maxAge < 0 || (now - client.createdMillis) / 1000 >= maxAge)
                    && !(skipMe && client == self)) {
                doomed.add(client);
            }
        }
        for (ClientSession client : doomed) {
            kill(client, self);
        }
        return RespWriter.integer(ALLOC, doomed.size());
    }

    /**
     * Closes a client: gone from CLIENT LIST at once, as in Redis, though its socket closes on its own event loop. A
     * client killing itself is closed after this reply is written.
     */
    private void kill(ClientSession client, ClientSession self) {
        if (client != self) {
            clients.remove(client);
        }
        client.kill(client == self);
    }

    /** CLIENT REPLY ON|OFF|SKIP: OFF and SKIP are not answered themselves. */
    private static ByteBuf reply(RespRequest request, ClientSession session) {
        if (request.argCount() != 3) {
            return arity("client|reply");
        }
        String mode = request.argString(2).toUpperCase(Locale.ROOT);
        switch (mode) {
            case "ON" -> {
                session.replyMode(ClientSession.ReplyMode.ON);
                return RespWriter.status(ALLOC, "OK");
            }
            case "OFF" -> session.replyMode(ClientSession.ReplyMode.OFF);
            case "SKIP" -> session.replyMode(ClientSession.ReplyMode.SKIP);
            default -> {
                return RespWriter.error(ALLOC, "syntax error");
            }
        }
        return null;
    }

    /**
     * CLIENT NO-EVICT and NO-TOUCH ON|OFF, recorded and shown by CLIENT LIST. The proxy never evicts clients; the
     * servers' LRU clocks are touched by the shared connections whatever one client asks (see docs/commands.md).
     */
    private static ByteBuf flag(RespRequest request, ClientSession session, String which) {
        if (request.argCount() != 3) {
            return arity("client|" + which.toLowerCase(Locale.ROOT));
        }
        String value = request.argString(2).toUpperCase(Locale.ROOT);
        if (!value.equals("ON") && !value.equals("OFF")) {
            return RespWriter.error(ALLOC, "syntax error");
        }
        if (which.equals("NO-EVICT")) {
            session.noEvict = value.equals("ON");
        } else {
            session.noTouch = value.equals("ON");
        }
        return RespWriter.status(ALLOC, "OK");
    }

    private static ByteBuf help(int protocol) {
        List<String> lines = List.of(
                "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "ID -- the current connection id.",
                "INFO -- information about the current connection.",
                "LIST [TYPE (NORMAL|PUBSUB)] [ID id ...] -- the proxy's client connections.",
                "KILL <ip:port> | KILL <option> <value> [<option> <value> ...] -- close proxy client connections"
                        + " (ID, ADDR, LADDR, USER, TYPE, SKIPME, MAXAGE).",
                "GETNAME / SETNAME <name> -- the current connection's name.",
                "SETINFO <LIB-NAME|LIB-VER> <value> -- the client library's name and version.",
                "REPLY (ON|OFF|SKIP) -- whether the proxy replies to this connection.",
                "NO-EVICT (ON|OFF), NO-TOUCH (ON|OFF) -- accepted and shown by LIST.");
        RespReplyBuilder reply = new RespReplyBuilder(ALLOC, protocol).array(lines.size());
        lines.forEach(reply::status);
        return reply.build();
    }

    /** One CLIENT LIST line, with the fields Redis shows (memory and buffer figures are the servers' business). */
    private static String line(ClientSession client) {
        long now = System.currentTimeMillis();
        StringBuilder flags = new StringBuilder();
        if (client.subscriber()) {
            flags.append('P');
        }
        if (client.noEvict) {
            flags.append('e');
        }
        if (client.noTouch) {
            flags.append('T');
        }
        if (flags.isEmpty()) {
            flags.append('N');
        }
        ConnectionSetup setup = client.setup();
        return "id=" + client.clientId()
                + " addr=" + client.address
                + " laddr=" + client.localAddress
                + " fd=-1"
                + " name=" + (client.name == null ? "" : client.name)
                + " age=" + (now - client.createdMillis) / 1000
                + " idle=" + (System.nanoTime() - client.lastCommandNanos) / 1_000_000_000
                + " flags=" + flags
                + " db=" + setup.database()
                + " sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0"
                + " oll=0 omem=0 tot-mem=0 events=r"
                + " cmd=" + client.lastCommand.toLowerCase(Locale.ROOT)
                + " user=" + client.user
                + " redir=-1"
                + " resp=" + setup.protocol()
                + " lib-name=" + (client.libName == null ? "" : client.libName)
                + " lib-ver=" + (client.libVersion == null ? "" : client.libVersion);
    }

    private static String typeOf(ClientSession client) {
        return client.subscriber() ? "pubsub" : "normal";
    }

    /** Redis's rule for connection names: printable ASCII without spaces. Null when {@code name} is fine. */
    private static String invalidName(String name) {
        return printable(name) ? null : "Client names cannot contain spaces, newlines or special characters.";
    }

    /** Whether {@code text} is printable ASCII without spaces, as Redis wants names and library details. */
    private static boolean printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '!' || c > '~') {
                return false;
            }
        }
        return true;
    }

    private static ByteBuf arity(String command) {
        return RespWriter.error(ALLOC, "wrong number of arguments for '" + command + "' command");
    }
}
