package io.puerta.plugin.redis.common.routing;

import io.puerta.plugin.redis.common.resp.RespBuilder;
import io.puerta.plugin.redis.common.resp.RespError;
import io.puerta.plugin.redis.common.resp.RespReader;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.request.RespCommand;
import io.puerta.spi.routing.MergeKind;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.SplitPart;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Commands about the whole data set rather than one key, answered by the proxy or fanned out to every server and
 * merged: PING, ECHO, QUIT, INFO, DBSIZE, FLUSHALL/FLUSHDB, KEYS, SCAN, RANDOMKEY, CONFIG,
 * SCRIPT LOAD/FLUSH/EXISTS/KILL, FUNCTION, COMMAND, TIME, LASTSAVE.
 */
public final class ProxyCommands {

    /**
     * How each command of kind PROXY is served, in words: what docs/commands.md says (it is generated from this
     * and the command table, and a test keeps them equal).
     */
    public static final java.util.Map<String, String> SERVED = servedInWords();

    private static java.util.Map<String, String> servedInWords() {
        java.util.Map<String, String> how = new java.util.LinkedHashMap<>();
        String runtime = "answered by Puerta (the runtime, for every router): ";
        how.put("PING", "answered by Puerta");
        how.put("ECHO", "answered by Puerta");
        how.put("QUIT", "answered by Puerta, which then closes the connection");
        how.put("HELLO", runtime + "RESP2 or RESP3 for this connection (RESP3 clients get servers' RESP3 replies)");
        how.put(
                "CLIENT",
                runtime + "ID, SETNAME, GETNAME, SETINFO, INFO, LIST, KILL (Puerta's own clients), REPLY,"
                        + " NO-EVICT, NO-TOUCH, HELP; TRACKING, CACHING, PAUSE, UNPAUSE, UNBLOCK refused with the reason");
        how.put(
                "SELECT",
                runtime + "redis-cluster and pikiwidb-slots: database 0 only; pikiwidb-ring: databases"
                        + " below puerta.pikiwidb.databases, on connections that selected them");
        how.put("RESET", runtime + "RESP2, database 0, no name, no transaction, no subscription");
        how.put("DBSIZE", "sent to every server, integers summed");
        how.put("FLUSHALL", "sent to every server, OK when all are");
        how.put("FLUSHDB", "sent to every server, OK when all are");
        how.put("KEYS", "sent to every server, arrays joined");
        how.put("SCAN", "walks the servers one after the other, with a cursor that says where it is");
        how.put(
                "INFO",
                "sent to every server, merged field by field (sums, worst states), one line a server in"
                        + " the # Proxy section");
        how.put(
                "CONFIG",
                "GET from one server; SET, RESETSTAT, REWRITE on every server when"
                        + " `puerta.commands.allow-config-set = true`, else refused");
        how.put(
                "AUTH",
                runtime + "logs in as one of Puerta's users (`puerta.auth.users`); without users, the"
                        + " error of a server without passwords");
        how.put(
                "SLOWLOG",
                runtime + "Puerta's own slow log, end to end through the proxy (the servers' are" + " theirs)");
        how.put(
                "SCRIPT",
                "LOAD, FLUSH on every server; EXISTS true where every server has it; KILL on every"
                        + " server over the client's own connections (OK if one was killed)");
        how.put(
                "FUNCTION",
                "LOAD, DELETE, FLUSH, RESTORE on every server; LIST, DUMP, STATS, HELP from one; KILL"
                        + " as SCRIPT KILL");
        how.put("RANDOMKEY", "from a random live server");
        how.put("TIME", "from one server");
        how.put("LASTSAVE", "from one server");
        how.put("COMMAND", "from one server");
        return java.util.Collections.unmodifiableMap(how);
    }

    private final String routerName;
    private final ServerSet servers;

    public ProxyCommands(String routerName, ServerSet servers) {
        this.routerName = routerName;
        this.servers = servers;
    }

    public RouteDecision route(RespCommand command) {
        String name = command.name();
        int argc = command.argCount();
        switch (name) {
            case "PING":
                if (argc > 2) {
                    return wrongArity(name);
                }
                return argc == 1
                        ? RouteDecision.respond(RespBuilder.status("PONG"))
                        : RouteDecision.respond(RespBuilder.bulk(command.argBytes(1)));
            case "ECHO":
                return argc != 2 ? wrongArity(name) : RouteDecision.respond(RespBuilder.bulk(command.argBytes(1)));
            case "QUIT":
                return RouteDecision.respond(RespBuilder.status("OK"));
            case "AUTH":
                // with users, the runtime's login answers AUTH before any router sees it
                return RouteDecision.fail("AUTH <password> called without any password configured for the default"
                        + " user. Are you sure your configuration is correct?");
            case "SELECT":
            case "HELLO":
            case "CLIENT":
            case "RESET":
            case "SLOWLOG":
                // the runtime answers these itself, for every router (see the runtime's ConnectionCommands)
                return RouteDecision.fail(name + " is answered by the proxy's runtime, not by the router");
            case "DBSIZE":
                return everywhere(servers.live(), args(command), MergeKind.INTEGER_SUM);
            case "FLUSHALL":
            case "FLUSHDB":
                return everywhere(servers.all(), args(command), MergeKind.ALL_OK);
            case "KEYS":
                if (argc != 2) {
                    return wrongArity(name);
                }
                return RouteDecision.split(parts(servers.live(), args(command)), ProxyCommands::concatArrays);
            case "SCAN":
                return scan(command);
            case "INFO":
                return info(command);
            case "CONFIG":
                return config(command);
            case "SCRIPT":
                return script(command);
            case "FUNCTION":
                return function(command);
            case "RANDOMKEY":
            case "TIME":
            case "LASTSAVE":
            case "COMMAND":
                return anyLive(name.equals("RANDOMKEY"));
            default:
                return RouteDecision.fail("command '" + name + "' is not handled by the proxy");
        }
    }

    /** The subcommand (CLIENT SETNAME's SETNAME), upper case; "" when there is none. */
    static String subcommand(RespCommand command) {
        return command.argCount() > 1 ? command.argString(1).toUpperCase(Locale.ROOT) : "";
    }

    private RouteDecision config(RespCommand command) {
        String sub = subcommand(command);
        if (sub.equals("GET")) {
            return anyLive(false);
        }
        if (sub.equals("SET") || sub.equals("RESETSTAT") || sub.equals("REWRITE")) {
            return everywhere(servers.all(), args(command), MergeKind.ALL_OK);
        }
        return RouteDecision.fail("CONFIG " + sub + " is not supported through the proxy");
    }

    /**
     * Scripts are loaded on every server, since EVALSHA goes wherever its keys live. LOAD answers the digest once
     * every server has it; EXISTS answers 1 only for scripts every server knows; FLUSH empties them all.
     */
    private RouteDecision script(RespCommand command) {
        String sub = subcommand(command);
        List<Backend> all = servers.all();
        if (all.isEmpty()) {
            return noLiveServer();
        }
        switch (sub) {
            case "LOAD":
                return RouteDecision.split(parts(all, args(command)), ProxyCommands::sameFromAll);
            case "FLUSH":
                return everywhere(all, args(command), MergeKind.ALL_OK);
            case "EXISTS":
                return RouteDecision.split(parts(all, args(command)), ProxyCommands::knownToAll);
            case "KILL":
                return kill(all, command);
            default:
                return RouteDecision.fail("SCRIPT " + sub + " is not supported through the proxy");
        }
    }

    /**
     * Functions live on every server, like scripts, since FCALL goes wherever its keys live (replicas follow their
     * masters). LOAD, DELETE, FLUSH and RESTORE change every server (LOAD answers the library name once all have
     * it; the others OK once all did it); LIST, DUMP and STATS read one server's view, which every server shares;
     * KILL stops the running function wherever one runs.
     */
    private RouteDecision function(RespCommand command) {
        String sub = subcommand(command);
        List<Backend> all = servers.all();
        if (all.isEmpty()) {
            return noLiveServer();
        }
        switch (sub) {
            case "LOAD":
                return RouteDecision.split(parts(all, args(command)), ProxyCommands::sameFromAll);
            case "DELETE":
            case "FLUSH":
            case "RESTORE":
                return everywhere(all, args(command), MergeKind.ALL_OK);
            case "LIST":
            case "DUMP":
            case "STATS":
            case "HELP":
                return anyLive(false);
            case "KILL":
                return kill(all, command);
            default:
                return RouteDecision.fail("FUNCTION " + sub + " is not supported through the proxy");
        }
    }

    /**
     * A KILL goes on the client's own connections: on the proxy's shared ones it would wait behind the very script it
     * is meant to stop.
     */
    private static RouteDecision kill(List<Backend> all, RespCommand command) {
        return RouteDecision.splitDedicated(parts(all, args(command)), ProxyCommands::killedAnywhere);
    }

    /**
     * SCRIPT KILL and FUNCTION KILL, sent to every server: OK when one of them stopped a script, else what Redis
     * says when none runs (NOTBUSY), or the first other error.
     */
    static ByteBuffer killedAnywhere(List<ByteBuffer> replies) {
        ByteBuffer notBusy = null;
        ByteBuffer other = null;
        for (ByteBuffer reply : replies) {
            Object value = new RespReader(reply.duplicate()).read();
            if (!(value instanceof RespError error)) {
                return RespBuilder.status("OK");
            }
            if (error.message().startsWith("NOTBUSY")) {
                notBusy = notBusy == null ? reply : notBusy;
            } else {
                other = other == null ? reply : other;
            }
        }
        return notBusy != null ? notBusy : other;
    }

    /** SCRIPT LOAD: every server's digest is the same; the first error, if any, is the reply. */
    static ByteBuffer sameFromAll(List<ByteBuffer> replies) {
        for (ByteBuffer reply : replies) {
            if (new RespReader(reply).read() instanceof RespError error) {
                return error.toReply();
            }
        }
        return replies.get(0);
    }

    /** SCRIPT EXISTS: 1 for a script only when every server has it. */
    static ByteBuffer knownToAll(List<ByteBuffer> replies) {
        long[] known = null;
        for (ByteBuffer reply : replies) {
            Object value = new RespReader(reply).read();
            if (value instanceof RespError error) {
                return error.toReply();
            }
            List<?> flags = (List<?>) value;
            if (known == null) {
                known = new long[flags.size()];
                java.util.Arrays.fill(known, 1);
            }
            for (int i = 0; i < flags.size(); i++) {
                known[i] &= (Long) flags.get(i);
            }
        }
        RespBuilder merged = new RespBuilder().arrayHeader(known.length);
        for (long flag : known) {
            merged.integerValue(flag);
        }
        return merged.build();
    }

    private RouteDecision info(RespCommand command) {
        List<Backend> live = servers.live();
        if (live.isEmpty()) {
            return noLiveServer();
        }
        List<String> proxy = List.of(
                "proxy:puerta",
                "proxy_version:" + version(),
                "router:" + routerName,
                "servers:" + servers.all().size(),
                "live_servers:" + live.size());
        List<String> names = live.stream().map(Backend::name).toList();
        int resp = command.respVersion();
        return RouteDecision.split(parts(live, args(command)), replies -> {
            List<String> reports = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            for (ByteBuffer part : replies) {
                Object reply = new RespReader(part).read();
                reports.add(reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : null);
                errors.add(reply instanceof RespError error ? error.message() : "no report");
            }
            return RespBuilder.verbatim(InfoMerge.merge(proxy, names, reports, errors), resp);
        });
    }

    /**
     * SCAN walks the servers one after the other. The proxy's cursor is {@code serverCursor * servers + index}:
     * zero starts at the first server, and when a server's own cursor returns to zero the walk moves on to the
     * next one.
     */
    private RouteDecision scan(RespCommand command) {
        if (command.argCount() < 2) {
            return wrongArity("SCAN");
        }
        List<Backend> all = servers.all();
        long cursor;
        try {
            cursor = Long.parseUnsignedLong(command.argString(1));
        } catch (NumberFormatException e) {
            return RouteDecision.fail("invalid cursor");
        }
        int count = all.size();
        int index = (int) Long.remainderUnsigned(cursor, count);
        long serverCursor = Long.divideUnsigned(cursor, count);
        List<byte[]> args = args(command);
        args.set(1, Long.toUnsignedString(serverCursor).getBytes(StandardCharsets.US_ASCII));
        SplitPart part = new SplitPart(all.get(index), args, List.of());
        return RouteDecision.split(List.of(part), replies -> {
            ByteBuffer reply = replies.get(0);
            Object value = new RespReader(reply).read();
            if (!(value instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof byte[] next)) {
                return reply; // an error, passed on as the server gave it
            }
            long nextServerCursor = Long.parseUnsignedLong(new String(next, StandardCharsets.US_ASCII));
            long proxyCursor;
            if (nextServerCursor != 0) {
                proxyCursor = nextServerCursor * count + index;
                if (Long.divideUnsigned(proxyCursor, count) != nextServerCursor) {
                    throw new IllegalStateException("server cursor " + nextServerCursor + " is too large to encode");
                }
            } else {
                proxyCursor = index + 1 < count ? index + 1 : 0;
            }
            RespBuilder merged = new RespBuilder().arrayHeader(2);
            merged.bulkString(Long.toUnsignedString(proxyCursor));
            List<?> keys = (List<?>) pair.get(1);
            merged.arrayHeader(keys.size());
            for (Object key : keys) {
                merged.bulkString((byte[]) key);
            }
            return merged.build();
        });
    }

    private RouteDecision anyLive(boolean random) {
        List<Backend> live = servers.live();
        if (live.isEmpty()) {
            return noLiveServer();
        }
        return RouteDecision.forward(
                live.get(random ? ThreadLocalRandom.current().nextInt(live.size()) : 0));
    }

    private RouteDecision everywhere(List<Backend> targets, List<byte[]> args, MergeKind merge) {
        if (targets.isEmpty()) {
            return noLiveServer();
        }
        return new RouteDecision.Split(parts(targets, args), merge);
    }

    private static List<SplitPart> parts(List<Backend> targets, List<byte[]> args) {
        List<SplitPart> parts = new ArrayList<>(targets.size());
        for (Backend backend : targets) {
            parts.add(new SplitPart(backend, args, List.of()));
        }
        return parts;
    }

    /** KEYS: the arrays of every server, one after the other; an error of any server is the reply. */
    public static ByteBuffer concatArrays(List<ByteBuffer> replies) {
        List<byte[]> all = new ArrayList<>();
        for (ByteBuffer reply : replies) {
            Object value = new RespReader(reply).read();
            if (value instanceof RespError error) {
                return error.toReply();
            }
            for (Object item : (List<?>) value) {
                all.add((byte[]) item);
            }
        }
        return RespBuilder.bulkArray(all);
    }

    public static List<byte[]> args(RespCommand command) {
        List<byte[]> args = new ArrayList<>(command.argCount());
        for (int i = 0; i < command.argCount(); i++) {
            args.add(command.argBytes(i));
        }
        return args;
    }

    public static RouteDecision wrongArity(String name) {
        return RouteDecision.fail("wrong number of arguments for '" + name.toLowerCase(Locale.ROOT) + "' command");
    }

    public static RouteDecision noLiveServer() {
        return RouteDecision.fail("no live server: every server is ejected");
    }

    private static String version() {
        String version = ProxyCommands.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
