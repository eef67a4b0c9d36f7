/**
 * The Puerta plugin API, version 1.
 *
 * <p>A plugin jar provides one or more {@link io.puerta.spi.PuertaPlugin} implementations through
 * {@code META-INF/services/io.puerta.spi.PuertaPlugin}. Each plugin contributes factories whose {@code name()} is
 * what the user selects in the HOCON configuration. Signatures use only JDK, slf4j and Typesafe Config types, so a
 * plugin builds against this module alone (with {@code provided} scope) and is isolated from the runtime's
 * libraries.
 */
package io.puerta.spi;
