package io.puerta.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class TwemproxyImportTest {

    private static final String YAML =
            """
            alpha:
              listen: 0.0.0.0:22121
              hash: murmur
              hash_tag: "{}"
              distribution: modula
              auto_eject_hosts: true
              redis: true
              server_retry_timeout: 2000
              server_failure_limit: 3
              server_connections: 2
              timeout: 400
              backlog: 1024
              preconnect: true
              servers:
               - 127.0.0.1:6381:1 first
               - 127.0.0.1:6382:2
            beta:
              listen: 127.0.0.1:22122
              redis: true
              redis_auth: 's3"cr\\t pass'
              servers:
               - 127.0.0.1:6383:1
            cache:
              listen: 127.0.0.1:22123
              servers:
               - 127.0.0.1:11211:1
            """;

    @Test
    void everyPoolSettingIsCarriedOver() {
        List<TwemproxyImport.Pool> pools = TwemproxyImport.translate(YAML, "nutcracker.yml");
        assertEquals(
                List.of("alpha", "beta", "cache"),
                pools.stream().map(TwemproxyImport.Pool::name).toList());

        TwemproxyImport.Pool alpha = pools.get(0);
        assertEquals(List.of(), alpha.problems());
        Config c = ConfigFactory.parseString(alpha.config()).getConfig("puerta");
        assertEquals("0.0.0.0", c.getString("listen.host"));
        assertEquals(22121, c.getInt("listen.port"));
        assertEquals(1024, c.getInt("listen.backlog"));
        assertEquals("pikiwidb-ring", c.getString("router"));
        assertEquals("modula", c.getString("pikiwidb.distribution"));
        assertEquals("murmur", c.getString("pikiwidb.hash"));
        assertEquals("{}", c.getString("pikiwidb.hash-tag"));
        assertTrue(c.getBoolean("pikiwidb.auto-eject-hosts"));
        assertEquals("redis-ping", c.getString("health-check.checker"));
        assertEquals(3, c.getInt("health-check.fall"));
        assertEquals(2000, c.getDuration("health-check.interval").toMillis());
        assertEquals(2, c.getInt("backend.connections-per-backend"));
        assertEquals(400, c.getDuration("backend.request-timeout").toMillis());
        assertEquals("127.0.0.1:6381", c.getConfigList("backends").get(0).getString("address"));
        assertEquals("first", c.getConfigList("backends").get(0).getString("name"));
        assertEquals(2, c.getConfigList("backends").get(1).getInt("weight"));
        assertTrue(alpha.config().contains("# note: preconnect: true has no Puerta setting"), alpha.config());

        Config beta = ConfigFactory.parseString(pools.get(1).config()).getConfig("puerta");
        assertEquals("fnv1a_64", beta.getString("pikiwidb.hash"), "twemproxy's default hash");
        assertEquals("ketama", beta.getString("pikiwidb.distribution"), "twemproxy's default distribution");
        assertEquals(30000, beta.getDuration("health-check.interval").toMillis());
        assertEquals("s3\"cr\\t pass", beta.getString("backend.auth.password"), "redis_auth, quoted as it was");
        assertTrue(
                pools.get(1).config().contains("# note: redis_auth:"),
                pools.get(1).config());
        assertEquals(List.of(), pools.get(1).problems());

        assertEquals(
                List.of(
                        "pool 'cache': a memcached pool (redis: true is not set); Puerta proxies Redis-protocol servers only"),
                pools.get(2).problems());
    }

    @Test
    void badInputIsNamed() {
        assertTrue(TwemproxyImport.translate("alpha: [", "x.yml")
                .get(0)
                .problems()
                .get(0)
                .startsWith("x.yml: not valid YAML"));
        List<String> problems = TwemproxyImport.translate(
                        """
                p:
                  listen: /tmp/sock 0666
                  redis: true
                  hash: hsieh
                  servers:
                   - 127.0.0.1:6381
                """,
                        "x.yml")
                .get(0)
                .problems();
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("unix sockets are not supported"), problems.toString());
        assertTrue(problems.get(1).contains("hash: hsieh is not supported"), problems.toString());
        assertTrue(problems.get(2).contains("expected host:port:weight [name]"), problems.toString());
    }
}
