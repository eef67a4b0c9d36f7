/** Plugin metrics, exported by the runtime. */
package io.puerta.spi.metrics;
