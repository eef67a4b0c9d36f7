package io.puerta.plugin.etcd;

import com.typesafe.config.Config;
import io.puerta.spi.config.ConfigSource;
import io.puerta.spi.config.ConfigSourceFactory;

/** {@code puerta.config-source.kind = "etcd"}, with its settings under {@code puerta.etcd}. */
public final class EtcdConfigSourceFactory implements ConfigSourceFactory {

    static final String NAME = "etcd";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ConfigSource open(Config local) {
        return new EtcdConfigSource(EtcdSettings.read(local));
    }
}
