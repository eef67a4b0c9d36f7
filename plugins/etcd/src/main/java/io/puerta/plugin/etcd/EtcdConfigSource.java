package io.puerta.plugin.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.puerta.spi.PluginException;
import io.puerta.spi.config.ConfigSource;
import io.puerta.spi.config.Member;
import io.puerta.spi.config.MemberState;
import io.puerta.spi.config.SharedConfig;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleet's shared configuration, in etcd: the HOCON text at {@code <prefix>/config} with the documents at
 * {@code <prefix>/documents/<name>} laid over it (its revision is the newest modification revision among them),
 * later versions by an etcd watch of the fleet's prefix, and this instance's announcement under a lease.
 *
 * <p>One thread of its own ("puerta-etcd") does everything that waits on etcd, so that the callers never do:
 * it delivers versions in revision order, renews the lease every third of it, and keeps the list of members. When
 * etcd stops answering, the instance keeps what it has, says since when it is stale, and when etcd answers again
 * catches up on the newest version (whatever the watch may have missed) and announces itself again.
 */
final class EtcdConfigSource implements ConfigSource {

    private static final Logger log = LoggerFactory.getLogger(EtcdConfigSource.class);

    private final EtcdSettings settings;
    private final Etcd etcd;
    private final ScheduledExecutorService thread;
    // confined to the thread, except where volatile
    private final SharedParts parts;
    private Consumer<SharedConfig> changes;
    private Watch.Watcher watcher;
    private boolean watchBroken;
    private long delivered = -1; // the newest revision handed on
    private String deliveredText;
    private long watchFrom = 1; // the etcd revision the watch starts at
    private Membership membership;
    private boolean ticking;
    private volatile Instant staleSince;
    private volatile String lastError;
    private volatile List<Map<String, Object>> members = List.of();

    EtcdConfigSource(EtcdSettings settings) {
        this.settings = settings;
        this.etcd = new Etcd(settings);
        this.parts = new SharedParts(settings);
        ClassLoader plugin = EtcdConfigSource.class.getClassLoader();
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "puerta-etcd");
            t.setDaemon(true);
            t.setContextClassLoader(plugin); // jetcd's gRPC finds its providers through it
            return t;
        });
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    public SharedConfig read() {
        GetResponse response = readAll();
        CompletableFuture<SharedConfig> read = new CompletableFuture<>();
        onThread(() -> {
            parts.reset(response.getKvs());
            SharedConfig shared = parts.merged(newestPart(response));
            delivered = Math.max(delivered, shared.revision());
            deliveredText = shared.text();
            watchFrom = Math.max(watchFrom, response.getHeader().getRevision() + 1);
            read.complete(shared);
        });
        return etcd.await(read, "read the configuration");
    }

    @Override
    public void watch(Consumer<SharedConfig> changes) {
        onThread(() -> {
            this.changes = changes;
            startWatch();
            startTicking();
        });
    }

    @Override
    public void join(Member self, MemberState state) {
        onThread(() -> {
            membership = new Membership(etcd, settings, self, state);
            try {
                membership.renew();
                members = Membership.list(etcd, settings);
                reachable();
            } catch (PluginException e) {
                unreachable(e);
            }
            startTicking();
        });
    }

    @Override
    public void report(MemberState state) {
        onThread(() -> {
            if (membership == null) {
                return;
            }
            try {
                membership.report(state);
            } catch (PluginException e) {
                unreachable(e); // written at the next renewal that reaches etcd
            }
        });
    }

    @Override
    public List<Map<String, Object>> members() {
        if (ticking) {
            return members; // kept up to date by the thread: a status page never waits on etcd
        }
        return Membership.list(etcd, settings);
    }

    @Override
    public void forget(String member) {
        etcd.await(
                etcd.client().getKVClient().delete(Etcd.bytes(settings.rosterPrefix() + member)), "forget " + member);
        etcd.await(
                etcd.client().getKVClient().delete(Etcd.bytes(settings.membersPrefix() + member)), "forget " + member);
    }

    @Override
    public SharedConfig document(String name) {
        GetResponse response = etcd.await(
                etcd.client().getKVClient().get(Etcd.bytes(settings.documentsPrefix() + name)),
                "read the document " + name);
        if (response.getKvs().isEmpty()) {
            return new SharedConfig("", 0);
        }
        KeyValue kv = response.getKvs().get(0);
        return new SharedConfig(Etcd.text(kv.getValue()), kv.getModRevision());
    }

    @Override
    public long publishDocument(String name, String text, long expectedRevision) {
        ByteSequence key = Etcd.bytes(settings.documentsPrefix() + name);
        Op write = text.isEmpty()
                ? Op.delete(key, DeleteOption.DEFAULT)
                : Op.put(key, Etcd.bytes(text), PutOption.DEFAULT);
        TxnResponse response = etcd.await(
                etcd.client()
                        .getKVClient()
                        .txn()
                        .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedRevision)))
                        .Then(write)
                        .commit(),
                "write the document " + name);
        if (!response.isSucceeded()) {
            throw new PluginException("the document '" + name + "' changed meanwhile (it is no longer at revision "
                    + expectedRevision + "); read it again");
        }
        return response.getHeader().getRevision();
    }

    @Override
    public long publish(String text) {
        return etcd.await(
                        etcd.client().getKVClient().put(Etcd.bytes(settings.configKey()), Etcd.bytes(text)),
                        "write the configuration")
                .getHeader()
                .getRevision();
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        Instant stale = staleSince;
        status.put("source", describe());
        status.put("reachable", stale == null);
        status.put("staleSince", stale == null ? null : stale.toString());
        status.put("lastError", stale == null ? null : lastError);
        return status;
    }

    @Override
    public void close() {
        try {
            thread.submit(() -> {
                        if (watcher != null) {
                            watcher.close();
                        }
                        if (membership != null) {
                            try {
                                membership.leave();
                            } catch (PluginException e) {
                                log.warn(
                                        "could not leave the fleet at once ({}); etcd drops this instance when its"
                                                + " lease runs out",
                                        e.getMessage());
                            }
                        }
                    })
                    .get(settings.timeout().toMillis() * 3 + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.debug("closing the etcd source: {}", e.toString());
        } finally {
            thread.shutdownNow();
            etcd.close();
        }
    }

    /** Everything under the fleet's prefix: the configuration, the documents, the members. */
    private GetResponse readAll() {
        return etcd.await(
                etcd.client()
                        .getKVClient()
                        .get(
                                Etcd.bytes(settings.fleetPrefix()),
                                GetOption.builder().isPrefix(true).build()),
                "read the configuration");
    }

    /** The newest revision among the parts of the shared configuration; 0 when there are none. */
    private long newestPart(GetResponse response) {
        long newest = 0;
        for (KeyValue kv : response.getKvs()) {
            if (parts.concerns(Etcd.text(kv.getKey()))) {
                newest = Math.max(newest, kv.getModRevision());
            }
        }
        return newest;
    }

    private void startTicking() {
        if (ticking) {
            return;
        }
        ticking = true;
        long every = Math.max(200, settings.leaseTtl().toMillis() / 3);
        thread.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    /** Every third of the lease: renew it, catch up after trouble, refresh the member list. */
    private void tick() {
        try {
            if (membership != null) {
                membership.renew();
            }
            if (staleSince != null || watchBroken) {
                catchUp();
            }
            members = Membership.list(etcd, settings);
            reachable();
        } catch (PluginException e) {
            unreachable(e);
        } catch (RuntimeException e) {
            log.error("the etcd source failed; it tries again in a moment", e);
        }
    }

    /** Reads the newest version (the watch may have missed some) and watches anew. */
    private void catchUp() {
        if (changes == null) {
            return;
        }
        GetResponse response = readAll();
        parts.reset(response.getKvs());
        SharedConfig shared = parts.merged(newestPart(response));
        if (!shared.text().equals(deliveredText) && shared.revision() <= delivered) {
            // a document was removed while etcd was away: its removal has no revision of its own here
            shared = new SharedConfig(shared.text(), response.getHeader().getRevision());
        }
        deliver(shared);
        if (watchBroken) {
            watchFrom = response.getHeader().getRevision() + 1;
            startWatch();
        }
    }

    private void startWatch() {
        if (watcher != null) {
            watcher.close();
        }
        watchBroken = false;
        watcher = etcd.client()
                .getWatchClient()
                .watch(
                        Etcd.bytes(settings.fleetPrefix()),
                        WatchOption.builder()
                                .withRevision(watchFrom)
                                .isPrefix(true)
                                .build(),
                        Watch.listener(
                                response -> onThread(() -> onEvents(response)),
                                error -> onThread(() -> {
                                    log.warn(
                                            "the watch of {} failed ({}); catching up when etcd answers",
                                            settings.fleetPrefix(),
                                            Etcd.summary(error));
                                    watchBroken = true;
                                })));
    }

    private void onEvents(WatchResponse response) {
        long revision = -1;
        for (WatchEvent event : response.getEvents()) {
            KeyValue kv = event.getKeyValue();
            watchFrom = Math.max(watchFrom, kv.getModRevision() + 1);
            String key = Etcd.text(kv.getKey());
            if (!parts.concerns(key)) {
                continue; // a member's announcement
            }
            parts.put(key, event.getEventType() == WatchEvent.EventType.DELETE ? "" : Etcd.text(kv.getValue()));
            revision = Math.max(revision, kv.getModRevision());
        }
        if (revision >= 0) {
            // one version per response: the parts a transaction changed together arrive together
            deliver(parts.merged(revision));
        }
    }

    private void deliver(SharedConfig shared) {
        if (shared.revision() <= delivered || changes == null) {
            return;
        }
        delivered = shared.revision();
        deliveredText = shared.text();
        try {
            changes.accept(shared);
        } catch (RuntimeException e) {
            log.error("the runtime failed to take revision {} of the shared configuration", shared.revision(), e);
        }
    }

    private void reachable() {
        if (staleSince != null) {
            log.info("etcd answers again ({}); stale since {}", settings.describe(), staleSince);
        }
        staleSince = null;
        lastError = null;
    }

    private void unreachable(PluginException e) {
        lastError = e.getMessage();
        if (staleSince == null) {
            staleSince = Instant.now();
            log.warn("etcd is unreachable; serving with the configuration last applied: {}", e.getMessage());
        }
    }

    private void onThread(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            // closed: nothing more is delivered or announced
        }
    }
}
