/**
 * Configuration sources: where a proxy reads the configuration it shares with the other instances of its fleet, and
 * later changes to it. The file is the default source and needs no plugin; a source such as etcd is a plugin
 * selected with {@code puerta.config-source.kind}.
 */
package io.puerta.spi.config;
