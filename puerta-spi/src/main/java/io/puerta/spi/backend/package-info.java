/** Read-only views of the servers behind Puerta. */
package io.puerta.spi.backend;
