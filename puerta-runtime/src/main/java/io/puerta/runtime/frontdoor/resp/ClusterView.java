package io.puerta.runtime.frontdoor.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.puerta.runtime.protocol.resp.RespReplyBuilder;
import io.puerta.runtime.protocol.resp.RespRequest;
import io.puerta.runtime.protocol.resp.RespWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The proxies of a fleet shown to cluster-aware clients as one Redis Cluster ({@code puerta.cluster-view}): every
 * instance answers {@code CLUSTER SLOTS}, {@code SHARDS}, {@code NODES}, {@code INFO} and {@code MYID} with the
 * live members, the 16384 slots shared out among them in order of name, so that Jedis and Lettuce cluster clients
 * spread their connections over the instances with no load balancer, and follow them as they come and go. Each
 * instance still serves every key: a client that sends a key to "the wrong" member gets its answer, never a
 * redirection. Without a fleet, the one instance owns every slot.
 */
public final class ClusterView {

    static final int SLOTS = 16384;

    /**
     * A member as clients see it.
     *
     * @param name unique in the fleet: its node id derives from it
     * @param host where clients reach it
     * @param self whether it is the instance answering
     */
    public record Node(String name, String host, int port, boolean self) {
        /** A stable 40-hex-digit node id, as Redis Cluster's: the SHA-1 of the member's name. */
        String id() {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-1").digest(name.getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is part of every JDK", e);
            }
        }
    }

    /** A node and the slots it is shown to own, {@code from} to {@code to}. */
    private record Owner(Node node, int from, int to) {}

    private final Supplier<List<Node>> members;

    /** @param members the live members, this instance included, in any order */
    public ClusterView(Supplier<List<Node>> members) {
        this.members = members;
    }

    /** The reply to a {@code CLUSTER} subcommand; an error for those a proxy cannot answer. */
    ByteBuf answer(ByteBufAllocator alloc, RespRequest request, int protocol) {
        if (request.argCount() < 2) {
            return RespWriter.error(alloc, "ERR wrong number of arguments for 'cluster' command");
        }
        String sub = request.argString(1).toUpperCase(Locale.ROOT);
        List<Owner> owners = owners();
        return switch (sub) {
            case "SLOTS" -> slots(alloc, owners);
            case "SHARDS" -> shards(alloc, owners, protocol);
            case "NODES" -> new RespReplyBuilder(alloc, protocol)
                    .bulk(nodes(owners))
                    .build();
            case "INFO" -> new RespReplyBuilder(alloc, protocol)
                    .verbatim(info(owners))
                    .build();
            case "MYID" -> new RespReplyBuilder(alloc, protocol)
                    .bulk(self(owners).node().id())
                    .build();
            default -> RespWriter.error(
                    alloc,
                    "ERR CLUSTER " + sub + " is not served by the proxy's cluster view (it answers SLOTS, SHARDS,"
                            + " NODES, INFO and MYID)");
        };
    }

    /** The live members in order of name, each with its share of the slots. */
    private List<Owner> owners() {
        List<Node> nodes = new ArrayList<>(members.get());
        nodes.sort(Comparator.comparing(Node::name));
        List<Owner> owners = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            owners.add(new Owner(
                    nodes.get(i),
                    (int) ((long) SLOTS * i / nodes.size()),
                    (int) ((long) SLOTS * (i + 1) / nodes.size()) - 1));
        }
        return owners;
    }

    private static Owner self(List<Owner> owners) {
        for (Owner owner : owners) {
            if (owner.node().self()) {
                return owner;
            }
        }
        return owners.get(0);
    }

    private static ByteBuf slots(ByteBufAllocator alloc, List<Owner> owners) {
        RespReplyBuilder reply = new RespReplyBuilder(alloc, 2).array(owners.size());
        for (Owner owner : owners) {
            reply.array(3)
                    .integer(owner.from())
                    .integer(owner.to())
                    .array(3)
                    .bulk(owner.node().host())
                    .integer(owner.node().port())
                    .bulk(owner.node().id());
        }
        return reply.build();
    }

    private static ByteBuf shards(ByteBufAllocator alloc, List<Owner> owners, int protocol) {
        RespReplyBuilder reply = new RespReplyBuilder(alloc, protocol).array(owners.size());
        for (Owner owner : owners) {
            Node node = owner.node();
            reply.map(2)
                    .bulk("slots")
                    .array(2)
                    .integer(owner.from())
                    .integer(owner.to())
                    .bulk("nodes")
                    .array(1)
                    .map(7)
                    .bulk("id")
                    .bulk(node.id())
                    .bulk("port")
                    .integer(node.port())
                    .bulk("ip")
                    .bulk(node.host())
                    .bulk("endpoint")
                    .bulk(node.host())
                    .bulk("role")
                    .bulk("master")
                    .bulk("replication-offset")
                    .integer(0)
                    .bulk("health")
                    .bulk("online");
        }
        return reply.build();
    }

    private static String nodes(List<Owner> owners) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < owners.size(); i++) {
            Owner owner = owners.get(i);
            Node node = owner.node();
            text.append(node.id())
                    .append(' ')
                    .append(node.host())
                    .append(':')
                    .append(node.port())
                    .append('@')
                    .append(node.port() + 10000)
                    .append(node.self() ? " myself,master" : " master")
                    .append(" - 0 0 ")
                    .append(i + 1)
                    .append(" connected ")
                    .append(owner.from())
                    .append('-')
                    .append(owner.to())
                    .append('\n');
        }
        return text.toString();
    }

    private static String info(List<Owner> owners) {
        return "cluster_enabled:1\r\n"
                + "cluster_state:ok\r\n"
                + "cluster_slots_assigned:" + SLOTS + "\r\n"
                + "cluster_slots_ok:" + SLOTS + "\r\n"
                + "cluster_slots_pfail:0\r\n"
                + "cluster_slots_fail:0\r\n"
                + "cluster_known_nodes:" + owners.size() + "\r\n"
                + "cluster_size:" + owners.size() + "\r\n"
                + "cluster_current_epoch:" + owners.size() + "\r\n"
                + "cluster_my_epoch:" + (owners.indexOf(self(owners)) + 1) + "\r\n";
    }
}
