package io.puerta.plugin.etcd;

import io.puerta.spi.PuertaPlugin;
import io.puerta.spi.config.ConfigSourceFactory;
import java.util.List;

/** The etcd plugin: a configuration source that makes instances a fleet. */
public final class EtcdPlugin implements PuertaPlugin {

    @Override
    public List<ConfigSourceFactory> configSourceFactories() {
        return List.of(new EtcdConfigSourceFactory());
    }
}
