/**
 * The backend service-provider interface: implement
 * {@link io.github.convlstm4j.spi.BackendProvider} and list it in
 * {@code META-INF/services/io.github.convlstm4j.spi.BackendProvider}.
 */
package io.github.convlstm4j.spi;
