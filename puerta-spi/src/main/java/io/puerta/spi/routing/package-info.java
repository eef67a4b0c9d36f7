/** Routers: the plugin code that decides which backend serves a request. */
package io.puerta.spi.routing;
