package io.puerta.plugin.etcd;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.puerta.spi.PluginException;
import io.puerta.spi.config.Member;
import io.puerta.spi.config.MemberState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's announcement, {@code <prefix>/members/<name>}: a JSON record under a lease that this instance
 * renews. When the instance dies, etcd drops the record when the lease runs out; when etcd forgot the lease (it
 * was unreachable for longer than the lease), a new lease is granted and the record written again.
 *
 * <p>Confined to the source's thread.
 */
final class Membership {

    private static final Logger log = LoggerFactory.getLogger(Membership.class);

    private final Etcd etcd;
    private final EtcdSettings settings;
    private final Member self;
    private final String startedAt = Instant.now().toString();
    private MemberState state;
    private long leaseId; // 0: none granted yet, or etcd forgot it
    private boolean written; // the record holds the latest state

    Membership(Etcd etcd, EtcdSettings settings, Member self, MemberState state) {
        this.etcd = etcd;
        this.settings = settings;
        this.self = self;
        this.state = state;
    }

    String name() {
        return self.name();
    }

    long leaseId() {
        return leaseId;
    }

    /** A new state to announce; written now if etcd answers, else at the next renewal that reaches it. */
    void report(MemberState next) {
        state = next;
        written = false;
        if (leaseId != 0) {
            write();
        }
    }

    /**
     * Renews the lease (granting one, and writing the record, when there is none); writes the record when it is
     * behind.
     *
     * @throws PluginException when etcd cannot be reached
     */
    void renew() {
        if (leaseId != 0) {
            try {
                LeaseKeepAliveResponse renewed =
                        etcd.await(etcd.client().getLeaseClient().keepAliveOnce(leaseId), "renew the lease");
                if (renewed.getTTL() <= 0) {
                    forgotten();
                }
            } catch (PluginException e) {
                if (!String.valueOf(e.getMessage()).contains("lease not found")) {
                    throw e;
                }
                forgotten();
            }
        }
        if (leaseId == 0) {
            leaseId = etcd.await(
                            etcd.client()
                                    .getLeaseClient()
                                    .grant(settings.leaseTtl().toSeconds()),
                            "grant a lease")
                    .getID();
            written = false;
            // on the roster for as long as it has not left: a member that dies is still waited for
            etcd.await(
                    etcd.client()
                            .getKVClient()
                            .put(Etcd.bytes(settings.rosterPrefix() + self.name()), Etcd.bytes(rosterRecord())),
                    "enter the roster");
        }
        if (!written) {
            write();
        }
    }

    private void forgotten() {
        log.warn(
                "etcd forgot this instance's lease (it was unreachable for longer than {}); announcing '{}' again",
                settings.leaseTtl(),
                self.name());
        leaseId = 0;
    }

    private void write() {
        etcd.await(
                etcd.client()
                        .getKVClient()
                        .put(
                                Etcd.bytes(settings.membersPrefix() + self.name()),
                                Etcd.bytes(record()),
                                PutOption.builder().withLeaseId(leaseId).build()),
                "announce this instance");
        written = true;
    }

    /** Leaves the fleet now: off the roster, and the lease goes, and the record with it. */
    void leave() {
        etcd.await(
                etcd.client().getKVClient().delete(Etcd.bytes(settings.rosterPrefix() + self.name())),
                "leave the roster");
        if (leaseId != 0) {
            etcd.await(etcd.client().getLeaseClient().revoke(leaseId), "revoke the lease");
            leaseId = 0;
        }
    }

    private String rosterRecord() {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("name", self.name());
        record.put("address", self.address());
        record.put("joinedAt", startedAt);
        return ConfigValueFactory.fromMap(record).render(ConfigRenderOptions.concise());
    }

    private String record() {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("name", self.name());
        record.put("address", self.address());
        record.put("admin", self.admin());
        record.put("version", self.version());
        record.put("startedAt", startedAt);
        record.put("appliedRevision", state.appliedRevision());
        record.put("outcome", state.outcome());
        record.put("ready", state.ready());
        record.put("routing", state.routing());
        record.put("at", Instant.now().toString());
        return ConfigValueFactory.fromMap(record).render(ConfigRenderOptions.concise());
    }

    /**
     * Every member on the roster, by name: a live one with its announcement ({@code live = true}), one whose
     * announcement lapsed with {@code live = false}; and a live one missing from the roster, as live.
     *
     * @throws PluginException when etcd cannot be reached
     */
    static List<Map<String, Object>> list(Etcd etcd, EtcdSettings settings) {
        GetResponse response = etcd.await(
                etcd.client()
                        .getKVClient()
                        .get(
                                Etcd.bytes(settings.fleetPrefix()),
                                GetOption.builder()
                                        .isPrefix(true)
                                        .withSortField(GetOption.SortTarget.KEY)
                                        .build()),
                "list the members");
        Map<String, Map<String, Object>> live = new java.util.TreeMap<>();
        Map<String, Map<String, Object>> roster = new java.util.TreeMap<>();
        for (KeyValue kv : response.getKvs()) {
            String key = Etcd.text(kv.getKey());
            if (key.startsWith(settings.membersPrefix())) {
                String name = key.substring(settings.membersPrefix().length());
                Map<String, Object> member = parse(name, Etcd.text(kv.getValue()));
                member.put("live", true);
                live.put(name, member);
            } else if (key.startsWith(settings.rosterPrefix())) {
                String name = key.substring(settings.rosterPrefix().length());
                Map<String, Object> member = parse(name, Etcd.text(kv.getValue()));
                member.put("live", false);
                roster.put(name, member);
            }
        }
        Map<String, Map<String, Object>> all = new java.util.TreeMap<>(roster);
        all.putAll(live);
        return new ArrayList<>(all.values());
    }

    private static Map<String, Object> parse(String name, String json) {
        try {
            return new LinkedHashMap<>(ConfigFactory.parseString(json).root().unwrapped());
        } catch (RuntimeException e) {
            Map<String, Object> broken = new LinkedHashMap<>();
            broken.put("name", name);
            broken.put("error", "unreadable record: " + e.getClass().getSimpleName());
            return broken;
        }
    }
}
