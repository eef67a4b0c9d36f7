package io.puerta.plugin.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** puerta.etcd: the defaults, every setting read, every problem named at once, and no password in sight. */
class EtcdSettingsTest {

    @TempDir
    Path dir;

    private static Config config(String hocon) {
        return ConfigFactory.parseString(hocon)
                .withFallback(ConfigFactory.parseResources(EtcdSettingsTest.class.getClassLoader(), "reference.conf"))
                .resolve();
    }

    @Test
    void defaultsComeFromReferenceConf() {
        EtcdSettings settings = EtcdSettings.read(config(""));
        assertEquals(List.of(URI.create("http://127.0.0.1:2379")), settings.endpoints());
        assertEquals("/puerta/default", settings.prefix());
        assertEquals(Duration.ofSeconds(10), settings.leaseTtl());
        assertEquals(Duration.ofSeconds(3), settings.timeout());
        assertEquals("", settings.user());
        assertEquals("", settings.password());
        assertEquals("/puerta/default/config", settings.configKey());
        assertEquals("/puerta/default/members/", settings.membersPrefix());
        assertEquals("/puerta/default/roster/", settings.rosterPrefix());
        assertEquals("/puerta/default/documents/", settings.documentsPrefix());
    }

    @Test
    void everySettingIsRead() throws Exception {
        Path secret = Files.writeString(dir.resolve("etcd.password"), "s3cret\n");
        EtcdSettings settings = EtcdSettings.read(config("puerta.etcd { endpoints = [\"http://10.0.0.5:2379\","
                + " \"http://10.0.0.6:2379\"], prefix = \"/puerta/prod/\", lease-ttl = 30s, timeout = 500ms,"
                + " user = \"puerta\", password-file = \"" + secret + "\" }"));
        assertEquals(
                List.of(URI.create("http://10.0.0.5:2379"), URI.create("http://10.0.0.6:2379")), settings.endpoints());
        assertEquals("/puerta/prod", settings.prefix(), "a trailing slash is dropped");
        assertEquals(Duration.ofSeconds(30), settings.leaseTtl());
        assertEquals(Duration.ofMillis(500), settings.timeout());
        assertEquals("puerta", settings.user());
        assertEquals("s3cret", settings.password());
        assertFalse(settings.toString().contains("s3cret"), settings.toString());
        assertFalse(settings.describe().contains("s3cret"));
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        ConfigException problems = assertThrows(
                ConfigException.class,
                () -> EtcdSettings.read(config("puerta.etcd { endpoints = [\"10.0.0.5:2379\"], prefix = \"puerta\","
                        + " lease-ttl = 1s, timeout = 0s, user = \"puerta\" }")));
        String message = problems.getMessage();
        assertTrue(message.contains("puerta.etcd.endpoints: expected URLs such as"), message);
        assertTrue(message.contains("puerta.etcd.prefix: expected a key prefix"), message);
        assertTrue(message.contains("puerta.etcd.lease-ttl: expected at least 2s"), message);
        assertTrue(message.contains("puerta.etcd.timeout: expected more than 0s"), message);
        assertTrue(message.contains("puerta.etcd.user and puerta.etcd.password: give both, or neither"), message);
    }
}
