/** Client identification strategies for session affinity. */
package io.puerta.spi.identity;
