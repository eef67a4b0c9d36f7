/** Helpers for plugins that talk RESP to their servers outside the request path. */
package io.puerta.spi.resp;
