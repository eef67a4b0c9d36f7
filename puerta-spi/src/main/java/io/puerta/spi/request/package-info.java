/** Read-only views of decoded client requests. */
package io.puerta.spi.request;
