package io.puerta.plugin.mongo.affinity.testing;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.AbstractMongoBackend;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import io.netty.channel.Channel;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process MongoDB wire server (mongo-java-server) extended to behave like a mongos where the proxy can tell:
 * it answers {@code hello} and says {@code msg: "isdbgrid"} with a session timeout (so drivers use sessions), its
 * cursor ids are random and its own (a getMore sent to the wrong server finds nothing), and it keeps a table of
 * open transactions (a statement or commit sent to the wrong server gets NoSuchTransaction). Each server has its
 * own in-memory data, so any misrouted message shows.
 */
public final class MongosServer implements AutoCloseable {

    private final MongoServer server;
    private final MongosBackend backend;
    private final InetSocketAddress address;
    private volatile boolean stopped;

    private MongosServer(MongosBackend backend) {
        this(backend, null, null);
    }

    private MongosServer(MongosBackend backend, java.nio.file.Path cert, java.nio.file.Path key) {
        this.backend = backend;
        this.server = new MongoServer(backend);
        if (cert != null) {
            server.enableSsl(privateKey(key), null, certificate(cert));
        }
        this.address = server.bind();
    }

    public static MongosServer start() {
        return start(null, null);
    }

    /** A server that speaks TLS only, with this certificate and PKCS#8 key (PEM), and requires {@code user}. */
    public static MongosServer startTls(String user, String password, java.nio.file.Path cert, java.nio.file.Path key) {
        MongosServer plain = start(user, password);
        MongosBackend backend = plain.backend;
        plain.server.shutdownNow();
        return new MongosServer(backend, cert, key);
    }

    private static java.security.PrivateKey privateKey(java.nio.file.Path pem) {
        try {
            String text = java.nio.file.Files.readString(pem)
                    .replaceAll("-----[A-Z ]+-----", "")
                    .replaceAll("\\s", "");
            return java.security.KeyFactory.getInstance("RSA")
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(
                            java.util.Base64.getDecoder().decode(text)));
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the test key " + pem, e);
        }
    }

    private static java.security.cert.X509Certificate certificate(java.nio.file.Path pem) {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(pem)) {
            return (java.security.cert.X509Certificate)
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the test certificate " + pem, e);
        }
    }

    /**
     * A server that requires SCRAM-SHA-256 authentication as {@code user} on every connection before any command
     * but the handshake.
     */
    public static MongosServer start(String user, String password) {
        MongosBackend backend = new MongosBackend(user, password);
        backend.version(new MongoVersion() {
            @Override
            public List<Integer> getVersionArray() {
                return List.of(6, 0, 0);
            }

            @Override
            public int getWireVersion() {
                return 17;
            }
        });
        randomizeCursorIds(backend);
        return new MongosServer(backend);
    }

    /**
     * A server whose cursor ids count up from {@code first}, as mongo-java-server's do from 1: two such servers hand
     * out the same ids, which real mongos do rarely (theirs are random 64-bit numbers) but may.
     */
    public static MongosServer startCountingCursorIdsFrom(long first) {
        MongosServer server = start();
        setCursorIdCounter(server.backend, first);
        return server;
    }

    public int port() {
        return address.getPort();
    }

    public String address() {
        return "127.0.0.1:" + address.getPort();
    }

    /**
     * Makes the server fail its handshake (hello answers {@code ok: 0}) while it keeps serving everything else: a
     * mongos the health checks must mark down although its connections still work.
     */
    public void unhealthy(boolean unhealthy) {
        backend.unhealthy = unhealthy;
    }

    /**
     * Holds the next {@code command} this server receives until {@link Hold#release}: a request kept in flight, so
     * a test can act while the proxy owes its reply. It blocks the server's own I/O thread meanwhile, as a stalled
     * mongos would (at most 30 s).
     */
    public Hold hold(String command) {
        Hold hold = new Hold(command);
        backend.hold = hold;
        return hold;
    }

    /** A command held by {@link #hold}. */
    public static final class Hold {
        private final String command;
        private final java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

        private Hold(String command) {
            this.command = command;
        }

        /** Whether the held command reached the server. */
        public boolean arrived() {
            return arrived.getCount() == 0;
        }

        /** Lets the held command go on. */
        public void release() {
            released.countDown();
        }

        private void await() {
            arrived.countDown();
            try {
                released.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Documents in a collection of this server, read from its memory (no connection: works while unhealthy). */
    public int documents(String database, String collection) {
        de.bwaldvogel.mongo.MongoCollection<?> found =
                backend.resolveDatabase(database).resolveCollection(collection, false);
        return found == null ? 0 : found.count();
    }

    /** Transactions committed here. */
    public int committed() {
        return backend.committed.get();
    }

    /** Stops the server (its clients see their connections close). */
    public void stop() {
        if (!stopped) {
            stopped = true;
            server.shutdownNow();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Starts this server's cursor ids at a random point, far from any other server's. */
    private static void randomizeCursorIds(AbstractMongoBackend backend) {
        setCursorIdCounter(backend, ThreadLocalRandom.current().nextLong(1L << 40, 1L << 60));
    }

    private static void setCursorIdCounter(AbstractMongoBackend backend, long next) {
        try {
            Field registryField = AbstractMongoBackend.class.getDeclaredField("cursorRegistry");
            registryField.setAccessible(true);
            CursorRegistry registry = (CursorRegistry) registryField.get(backend);
            Field counter = CursorRegistry.class.getDeclaredField("cursorIdCounter");
            counter.setAccessible(true);
            ((AtomicLong) counter.get(registry)).set(next);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("mongo-java-server changed its cursor registry", e);
        }
    }

    /** Connections that authenticated (when the server requires it). */
    public int authenticatedConnections() {
        return backend.authenticated.size();
    }

    private static final class MongosBackend extends MemoryBackend {
        private static final Set<String> OPEN_COMMANDS =
                Set.of("hello", "ismaster", "isMaster", "saslStart", "saslContinue", "ping", "buildInfo");

        private final Set<String> open = ConcurrentHashMap.newKeySet();
        private final AtomicInteger committed = new AtomicInteger();
        private final String user;
        private final String password;
        private final Set<Channel> authenticated = ConcurrentHashMap.newKeySet();
        private volatile boolean unhealthy;
        private volatile Hold hold;
        private final java.util.Map<Channel, ScramServer> conversations = new ConcurrentHashMap<>();

        MongosBackend(String user, String password) {
            this.user = user;
            this.password = password;
        }

        @Override
        public void handleClose(Channel channel) {
            authenticated.remove(channel);
            conversations.remove(channel);
            super.handleClose(channel);
        }

        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            Hold held = hold;
            if (held != null && held.command.equals(command)) {
                hold = null;
                held.await();
            }
            if (user != null) {
                if (command.equals("saslStart") || command.equals("saslContinue")) {
                    return sasl(channel, command, query);
                }
                if (!OPEN_COMMANDS.contains(command) && !authenticated.contains(channel)) {
                    throw new MongoServerError(13, "Unauthorized", "command " + command + " requires authentication");
                }
            }
            return mongos(channel, database, command, query);
        }

        private Document sasl(Channel channel, String command, Document query) {
            String payload = new String(((BinData) query.get("payload")).getData(), StandardCharsets.UTF_8);
            Document reply = new Document();
            if (command.equals("saslStart")) {
                ScramServer scram = new ScramServer(user, password);
                String first = scram.first(payload);
                if (first == null) {
                    throw new MongoServerError(18, "AuthenticationFailed", "Authentication failed.");
                }
                conversations.put(channel, scram);
                reply.put("conversationId", 1);
                reply.put("done", false);
                reply.put("payload", new BinData(first.getBytes(StandardCharsets.UTF_8)));
            } else {
                ScramServer scram = conversations.remove(channel);
                String last = scram == null ? null : scram.last(payload);
                if (last == null) {
                    throw new MongoServerError(18, "AuthenticationFailed", "Authentication failed.");
                }
                authenticated.add(channel);
                reply.put("conversationId", 1);
                reply.put("done", true);
                reply.put("payload", new BinData(last.getBytes(StandardCharsets.UTF_8)));
            }
            reply.put("ok", 1.0);
            return reply;
        }

        private Document mongos(Channel channel, String database, String command, Document query) {
            if (command.equals("hello") || command.equalsIgnoreCase("ismaster")) {
                if (unhealthy) {
                    throw new MongoServerError(91, "ShutdownInProgress", "this server is shutting down");
                }
                Document reply = super.handleCommand(channel, database, "ismaster", query);
                reply.put("msg", "isdbgrid");
                reply.put("helloOk", true);
                reply.put("logicalSessionTimeoutMinutes", 30);
                if (command.equals("hello")) {
                    reply.put("isWritablePrimary", true);
                }
                return reply;
            }
            if (command.equals("commitTransaction") || command.equals("abortTransaction")) {
                if (!open.remove(transaction(query))) {
                    throw noSuchTransaction(query);
                }
                if (command.equals("commitTransaction")) {
                    committed.incrementAndGet();
                }
                Document ok = new Document();
                ok.put("ok", 1.0);
                return ok;
            }
            if (query.containsKey("txnNumber") && Boolean.FALSE.equals(query.get("autocommit"))) {
                String key = transaction(query);
                if (Boolean.TRUE.equals(query.get("startTransaction"))) {
                    open.add(key);
                } else if (!open.contains(key)) {
                    throw noSuchTransaction(query);
                }
                Document statement = new Document(query);
                statement.remove("startTransaction");
                statement.remove("autocommit");
                statement.remove("txnNumber");
                return super.handleCommand(channel, database, command, statement);
            }
            return super.handleCommand(channel, database, command, query);
        }

        private static String transaction(Document query) {
            Object lsid = query.get("lsid");
            Object id = lsid instanceof Document session ? session.get("id") : null;
            return id + ":" + query.get("txnNumber");
        }

        private static MongoServerError noSuchTransaction(Document query) {
            return new MongoServerError(
                    251, "NoSuchTransaction", "Transaction " + query.get("txnNumber") + " is not open on this server");
        }
    }
}
