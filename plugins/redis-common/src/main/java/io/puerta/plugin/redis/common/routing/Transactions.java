package io.puerta.plugin.redis.common.routing;

import io.puerta.plugin.redis.common.command.CommandKind;
import io.puerta.plugin.redis.common.command.CommandSpec;
import io.puerta.plugin.redis.common.resp.RespBuilder;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.request.RespCommand;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.SplitPart;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH through a sharding proxy. A transaction must run on one server, and Redis
 * Cluster wants its keys in one slot; the proxy only learns where when the first key arrives. So the commands are
 * queued here (answered {@code +QUEUED}) and at EXEC sent as one block, {@code MULTI ... EXEC}, on the client's own
 * connection to the server their keys share; WATCH goes at once to that connection, so what it watches is watched
 * from the moment the client asked. A key elsewhere gets Redis's CROSSSLOT error and the transaction is discarded,
 * as Redis does with errors while queuing.
 *
 * <p>Routing stage only, like the router that owns it.
 */
final class Transactions {

    /** Most commands one transaction may queue in the proxy. */
    static final int MAX_QUEUED = 10_000;
    /** Most argument bytes one transaction may queue in the proxy. */
    static final long MAX_QUEUED_BYTES = 64L << 20;

    private static final byte[] MULTI = bytes("MULTI");
    private static final byte[] EXEC = bytes("EXEC");
    private static final byte[] UNWATCH = bytes("UNWATCH");
    private static final Set<String> QUEUEABLE_PROXY_COMMANDS = Set.of("PING", "ECHO", "TIME");
    private static final String EXECABORT = "EXECABORT Transaction discarded because of previous errors.";

    /** Where a command's keys are, as the router sees them. */
    interface Placement {
        /** The owner and group of the command's keys, or a failure (no owner, CROSSSLOT); null for no keys. */
        Placed place(RespCommand command, CommandSpec spec);

        /** A server for a transaction without keys; null when none is live. */
        Backend anyServer();

        /** The router's error for keys in different groups. */
        RouteDecision crossSlot(String command);

        /** The router's error when no server can take the keys. */
        RouteDecision noOwner();
    }

    /** Where a command's keys go: an owner and its group, or why there is none. */
    record Placed(Backend owner, Object group, RouteDecision failure) {}

    private final Map<Long, State> clients = new HashMap<>();
    private final Placement placement;

    Transactions(Placement placement) {
        this.placement = placement;
    }

    /** Whether the client is between MULTI and EXEC: its commands are queued, not routed. */
    boolean queuing(long client) {
        State state = stateOf(client);
        return state != null && state.inMulti;
    }

    /**
     * The server the client WATCHes keys on, or null: its other commands to that server take the same connection,
     * so they stay in order with the WATCH.
     */
    Backend watchedServer(long client) {
        State state = stateOf(client);
        return state != null && state.watching ? state.server : null;
    }

    /** The client's state, or null; asked twice for every request, so no Long is boxed while no client has one. */
    private State stateOf(long client) {
        return clients.isEmpty() ? null : clients.get(client);
    }

    void forget(long client) {
        clients.remove(client);
    }

    /** MULTI, EXEC, DISCARD, WATCH, UNWATCH outside a transaction's queue. */
    RouteDecision control(RespCommand command, CommandSpec spec) {
        long client = command.client().connectionId();
        State state = clients.computeIfAbsent(client, id -> new State());
        return switch (command.name()) {
            case "MULTI" -> multi(state);
            case "EXEC" -> state.inMulti ? exec(client, state) : RouteDecision.fail("EXEC without MULTI");
            case "DISCARD" -> state.inMulti ? discard(client, state) : RouteDecision.fail("DISCARD without MULTI");
            case "WATCH" -> state.inMulti
                    ? RouteDecision.fail("WATCH inside MULTI is not allowed")
                    : watch(client, state, command, spec);
            case "UNWATCH" -> state.inMulti ? queue(state, command, spec) : unwatch(client, state);
            default -> RouteDecision.fail("unexpected transaction command " + command.name());
        };
    }

    /** A command between MULTI and EXEC: checked, queued, answered +QUEUED. */
    RouteDecision queue(long client, RespCommand command, CommandSpec spec) {
        State state = clients.get(client);
        String name = command.name();
        if (spec != null && spec.kind() == CommandKind.TRANSACTION) {
            return control(command, spec);
        }
        if (spec == null) {
            return abort(state, RouteDecision.fail("unknown command '" + name + "'"));
        }
        return queue(state, command, spec);
    }

    private RouteDecision multi(State state) {
        if (state.inMulti) {
            return RouteDecision.fail("MULTI calls can not be nested");
        }
        state.inMulti = true;
        return RouteDecision.respond(RespBuilder.status("OK"));
    }

    private RouteDecision queue(State state, RespCommand command, CommandSpec spec) {
        String name = command.name();
        switch (spec.kind()) {
            case KEYED, NUMKEYS, SPLITTABLE -> {
                Placed placed = placement.place(command, spec);
                if (placed != null && placed.failure() != null) {
                    return abort(state, placed.failure());
                }
                if (placed != null && !join(state, placed)) {
                    return abort(state, placement.crossSlot(name));
                }
            }
            case PROXY -> {
                if (!QUEUEABLE_PROXY_COMMANDS.contains(name)) {
                    return abort(
                            state,
                            RouteDecision.fail(name + " cannot be part of a transaction through the proxy: it would"
                                    + " run on one server only"));
                }
            }
            case TRANSACTION -> {
                // UNWATCH inside MULTI: queued like any command
            }
            default -> {
                return abort(state, RouteDecision.fail(name + " cannot be part of a transaction through the proxy"));
            }
        }
        List<byte[]> args = new ArrayList<>(command.argCount());
        long size = 0;
        for (int i = 0; i < command.argCount(); i++) {
            byte[] arg = command.argBytes(i);
            size += arg.length;
            args.add(arg);
        }
        if (state.queued.size() >= MAX_QUEUED || state.queuedBytes + size > MAX_QUEUED_BYTES) {
            return abort(
                    state,
                    RouteDecision.fail("transaction too long for the proxy (at most " + MAX_QUEUED + " commands and "
                            + (MAX_QUEUED_BYTES >> 20) + " MB)"));
        }
        state.queued.add(args);
        state.queuedBytes += size;
        return RouteDecision.respond(RespBuilder.status("QUEUED"));
    }

    private RouteDecision watch(long client, State state, RespCommand command, CommandSpec spec) {
        if (command.argCount() < 2) {
            return RouteDecision.fail("wrong number of arguments for 'watch' command");
        }
        Placed placed = placement.place(command, spec);
        if (placed == null) {
            return RouteDecision.fail("wrong number of arguments for 'watch' command");
        }
        if (placed.failure() != null) {
            return placed.failure();
        }
        if (!join(state, placed)) {
            return placement.crossSlot("WATCH");
        }
        state.watching = true;
        return RouteDecision.forwardDedicated(state.server);
    }

    private RouteDecision unwatch(long client, State state) {
        if (!state.watching) {
            clients.remove(client);
            return RouteDecision.respond(RespBuilder.status("OK"));
        }
        Backend server = state.server;
        clients.remove(client);
        return RouteDecision.forwardDedicated(server);
    }

    private RouteDecision exec(long client, State state) {
        clients.remove(client); // EXEC ends the transaction and every WATCH, whatever happens
        if (state.aborted) {
            return state.watching
                    ? unwatchThen(state.server, RespBuilder.error(EXECABORT))
                    : RouteDecision.fail(EXECABORT);
        }
        Backend server = state.server != null ? state.server : placement.anyServer();
        if (server == null) {
            return placement.noOwner();
        }
        List<SplitPart> parts = new ArrayList<>(state.queued.size() + 2);
        parts.add(new SplitPart(server, List.of(MULTI), List.of()));
        for (List<byte[]> args : state.queued) {
            parts.add(new SplitPart(server, args, List.of()));
        }
        parts.add(new SplitPart(server, List.of(EXEC), List.of()));
        return RouteDecision.splitDedicated(parts, Transactions::execReply);
    }

    private RouteDecision discard(long client, State state) {
        clients.remove(client);
        return state.watching
                ? unwatchThen(state.server, RespBuilder.status("OK"))
                : RouteDecision.respond(RespBuilder.status("OK"));
    }

    /** UNWATCH on the client's connection (DISCARD and a failed EXEC forget every WATCH), answered with {@code reply}. */
    private static RouteDecision unwatchThen(Backend server, ByteBuffer reply) {
        return RouteDecision.splitDedicated(
                List.of(new SplitPart(server, List.of(UNWATCH), List.of())), replies -> reply.duplicate());
    }

    /**
     * The client's answer is EXEC's. A command the server refused while queuing makes EXEC fail with EXECABORT; if
     * it refused because the slot is moving (MOVED, ASK), say so, as the client can simply retry.
     */
    static ByteBuffer execReply(List<ByteBuffer> replies) {
        for (int i = 1; i < replies.size() - 1; i++) {
            ByteBuffer reply = replies.get(i);
            if (startsWith(reply, "-MOVED ") || startsWith(reply, "-ASK ")) {
                return RespBuilder.error(
                        "TRYAGAIN the transaction's slot is moving between cluster nodes; the transaction was"
                                + " discarded, retry it");
            }
        }
        ByteBuffer exec = replies.get(replies.size() - 1);
        ByteBuffer copy = ByteBuffer.allocate(exec.remaining());
        copy.put(exec.duplicate()).flip();
        return copy;
    }

    private static boolean startsWith(ByteBuffer reply, String prefix) {
        if (reply.remaining() < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (reply.get(reply.position() + i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Binds the transaction to the command's server and group; false if it is bound elsewhere. */
    private static boolean join(State state, Placed placed) {
        if (state.group == null) {
            state.server = placed.owner();
            state.group = placed.group();
            return true;
        }
        return state.group.equals(placed.group());
    }

    private static RouteDecision abort(State state, RouteDecision error) {
        state.aborted = true;
        return error;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** One client's transaction. */
    private static final class State {
        Backend server;
        Object group;
        boolean watching;
        boolean inMulti;
        boolean aborted;
        final List<List<byte[]>> queued = new ArrayList<>();
        long queuedBytes;
    }
}
