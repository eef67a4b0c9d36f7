package io.puerta.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** The matrix scenario in Java: Jedis (RESP2 and RESP3) and Lettuce (RESP3, which it must keep). */
final class JavaClients {

    private JavaClients() {}

    static String library(String name) {
        return "#!lua name=" + name + "\nredis.register_function('" + name
                + "_get', function(keys, args) return redis.call('GET', keys[1]) end)";
    }

    static void jedis(int port, RedisProtocol protocol, String p) throws Exception {
        DefaultJedisClientConfig config = DefaultJedisClientConfig.builder()
                .protocol(protocol)
                .timeoutMillis(10_000)
                .build();
        HostAndPort address = new HostAndPort("127.0.0.1", port);
        try (Jedis c = new Jedis(address, config)) {
            String info = c.clientInfo();
            assertTrue(info.contains(protocol == RedisProtocol.RESP3 ? "resp=3" : "resp=2"), info);
            // strings
            assertEquals("OK", c.set(p + ":s", "v"));
            assertEquals("v", c.get(p + ":s"));
            assertEquals(2, c.incrBy(p + ":n", 2));
            // hashes
            c.hset(p + ":h", Map.of("a", "1", "b", "2"));
            assertEquals(Map.of("a", "1", "b", "2"), c.hgetAll(p + ":h"));
            // sorted sets with scores
            c.zadd(p + ":z", 1.5, "m");
            c.zadd(p + ":z", 2.5, "n");
            assertEquals(1.5, c.zscore(p + ":z", "m"));
            assertEquals(2.5, c.zrangeWithScores(p + ":z", 0, -1).get(1).getScore());
            // pipelining over keys of every server
            Pipeline pipeline = c.pipelined();
            for (int i = 0; i < 100; i++) {
                pipeline.set(p + ":pipe:" + i, "v" + i);
            }
            List<Response<String>> gets = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                gets.add(pipeline.get(p + ":pipe:" + i));
            }
            pipeline.sync();
            for (int i = 0; i < 100; i++) {
                assertEquals("v" + i, gets.get(i).get());
            }
            // MULTI/EXEC on keys of one slot
            Transaction transaction = c.multi();
            transaction.set("{" + p + "}a", "1");
            transaction.incr("{" + p + "}a");
            assertEquals(List.of("OK", 2L), transaction.exec());
            // blocking pops
            c.rpush(p + ":q", "job");
            assertEquals(List.of(p + ":q", "job"), c.blpop(1, p + ":q"));
            assertNull(c.blpop(0.2, p + ":q"));
            // scripts and functions
            assertEquals("v", c.eval("return redis.call('GET', KEYS[1])", 1, p + ":s"));
            String lib = p.replaceAll("[^a-z0-9]", "");
            c.functionLoadReplace(library(lib));
            assertEquals("v", c.fcall(lib + "_get", List.of(p + ":s"), List.of()));
            // SCAN over every server
            for (int i = 0; i < 60; i++) {
                c.set(p + ":scan:" + i, "x");
            }
            Set<String> seen = new HashSet<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = c.scan(cursor, new ScanParams().match(p + ":scan:*").count(50));
                seen.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertEquals(60, seen.size());
            // pub/sub
            BlockingQueue<String> messages = new LinkedBlockingQueue<>();
            JedisPubSub listener = new JedisPubSub() {
                @Override
                public void onSubscribe(String channel, int count) {
                    c.publish(p + ":news", "hello");
                }

                @Override
                public void onMessage(String channel, String message) {
                    messages.add(channel + "=" + message);
                    unsubscribe();
                }
            };
            Thread subscriber = new Thread(() -> {
                try (Jedis s = new Jedis(address, config)) {
                    s.subscribe(listener, p + ":news", p + ":other");
                }
            });
            subscriber.start();
            assertEquals(p + ":news=hello", messages.poll(10, TimeUnit.SECONDS));
            subscriber.join(10_000);
        }
    }

    static void lettuce(int port, String p) throws Exception {
        RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + port));
        client.setOptions(ClientOptions.builder()
                .protocolVersion(ProtocolVersion.RESP3)
                .build());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> c = connection.sync();
            String info = c.clientInfo();
            assertTrue(info.contains("resp=3"), "Lettuce kept RESP3: " + info);
            assertEquals("OK", c.set(p + ":s", "v"));
            assertEquals("v", c.get(p + ":s"));
            assertEquals(2L, c.incrby(p + ":n", 2));
            c.hset(p + ":h", Map.of("a", "1", "b", "2"));
            assertEquals(Map.of("a", "1", "b", "2"), c.hgetall(p + ":h"));
            c.zadd(p + ":z", 1.5, "m");
            c.zadd(p + ":z", 2.5, "n");
            assertEquals(1.5, c.zscore(p + ":z", "m"));
            List<ScoredValue<String>> scored = c.zrangeWithScores(p + ":z", 0, -1);
            assertEquals(2.5, scored.get(1).getScore());
            // pipelining: commands written together, flushed once
            RedisAsyncCommands<String, String> async = connection.async();
            connection.setAutoFlushCommands(false);
            List<RedisFuture<String>> sets = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                sets.add(async.set(p + ":pipe:" + i, "v" + i));
            }
            connection.flushCommands();
            for (RedisFuture<String> set : sets) {
                assertEquals("OK", set.get(10, TimeUnit.SECONDS));
            }
            connection.setAutoFlushCommands(true);
            assertEquals("v42", c.get(p + ":pipe:42"));
            c.multi();
            c.set("{" + p + "}a", "1");
            c.incr("{" + p + "}a");
            TransactionResult result = c.exec();
            assertEquals(2L, (Long) result.get(1));
            c.rpush(p + ":q", "job");
            KeyValue<String, String> popped = c.blpop(1, p + ":q");
            assertEquals("job", popped.getValue());
            assertNull(c.blpop(0.2, p + ":q"));
            assertEquals("v", c.eval("return redis.call('GET', KEYS[1])", ScriptOutputType.VALUE, p + ":s"));
            String lib = p.replaceAll("[^a-z0-9]", "");
            c.functionLoad(library(lib), true);
            assertEquals("v", c.fcall(lib + "_get", ScriptOutputType.VALUE, p + ":s"));
            for (int i = 0; i < 60; i++) {
                c.set(p + ":scan:" + i, "x");
            }
            Set<String> seen = new HashSet<>();
            ScanIterator.scan(c, ScanArgs.Builder.matches(p + ":scan:*").limit(50))
                    .forEachRemaining(seen::add);
            assertEquals(60, seen.size());
            try (StatefulRedisPubSubConnection<String, String> pubSub = client.connectPubSub()) {
                BlockingQueue<String> messages = new LinkedBlockingQueue<>();
                CountDownLatch subscribed = new CountDownLatch(2);
                pubSub.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void subscribed(String channel, long count) {
                        subscribed.countDown();
                    }

                    @Override
                    public void message(String channel, String message) {
                        messages.add(channel + "=" + message);
                    }
                });
                pubSub.sync().subscribe(p + ":news", p + ":other");
                assertTrue(subscribed.await(10, TimeUnit.SECONDS));
                c.publish(p + ":news", "hello");
                assertEquals(p + ":news=hello", messages.poll(10, TimeUnit.SECONDS));
            }
        } finally {
            client.shutdown();
        }
    }
}
