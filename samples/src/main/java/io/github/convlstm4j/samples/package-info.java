/**
 * The {@code convlstm4j} command-line program: the Keras moving-squares experiment end to end
 * ({@code demo}) and the subcommands {@code generate}, {@code train}, {@code forecast},
 * {@code evaluate}, {@code backends} and {@code stream} (a live feed into a streaming
 * session). This is the only package of the project that writes to standard output and
 * standard error.
 */
package io.github.convlstm4j.samples;
