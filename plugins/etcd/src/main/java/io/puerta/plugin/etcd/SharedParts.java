package io.puerta.plugin.etcd;

import io.etcd.jetcd.KeyValue;
import io.puerta.spi.config.SharedConfig;
import java.util.Map;
import java.util.TreeMap;

/**
 * What makes up a fleet's shared configuration: the configuration operators write ({@code <prefix>/config}) and
 * the documents tools keep beside it ({@code <prefix>/documents/<name>}), laid over it in name order. Confined to
 * the source's thread.
 */
final class SharedParts {

    private final EtcdSettings settings;
    private String config = "";
    private final Map<String, String> documents = new TreeMap<>();

    SharedParts(EtcdSettings settings) {
        this.settings = settings;
    }

    /** Whether {@code key} is one of the parts. */
    boolean concerns(String key) {
        return key.equals(settings.configKey()) || key.startsWith(settings.documentsPrefix());
    }

    /** Takes a part's new text; empty for a part deleted. */
    void put(String key, String text) {
        if (key.equals(settings.configKey())) {
            config = text;
        } else if (text.isEmpty()) {
            documents.remove(key.substring(settings.documentsPrefix().length()));
        } else {
            documents.put(key.substring(settings.documentsPrefix().length()), text);
        }
    }

    /** Replaces every part with what a read found. */
    void reset(Iterable<KeyValue> parts) {
        config = "";
        documents.clear();
        for (KeyValue kv : parts) {
            String key = Etcd.text(kv.getKey());
            if (concerns(key)) {
                put(key, Etcd.text(kv.getValue()));
            }
        }
    }

    /** The text every member lays over its file: the configuration, then each document. */
    SharedConfig merged(long revision) {
        StringBuilder text = new StringBuilder(config);
        for (Map.Entry<String, String> document : documents.entrySet()) {
            text.append("\n# document ").append(document.getKey()).append('\n').append(document.getValue());
        }
        return new SharedConfig(text.toString(), revision);
    }
}
