/** Health checkers: probes of backend servers, run off the event loops. */
package io.puerta.spi.health;
