/**
 * Pictures of frame sequences for the demo and the {@code forecast} command: frames as grey or
 * viridis images ({@link io.github.convlstm4j.samples.images.FrameImages},
 * {@link io.github.convlstm4j.samples.images.FrameStyle},
 * {@link io.github.convlstm4j.samples.images.ColorMap}), labelled side-by-side comparisons, PNG
 * and looping GIF files, drawn with AWT ({@code java.awt.image}) and written with
 * {@code javax.imageio}. They live in the samples so that {@code convlstm4j-api} needs no
 * {@code java.desktop} module.
 */
package io.github.convlstm4j.samples.images;
