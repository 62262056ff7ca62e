/**
 * The user API of convlstm4j: {@link io.github.convlstm4j.api.FrameSequence} data,
 * {@link io.github.convlstm4j.api.ModelSpec} architectures,
 * {@link io.github.convlstm4j.api.Forecaster} models created through
 * {@link io.github.convlstm4j.api.Forecasters}, training settings and weights in Keras names
 * and layouts.
 */
package io.github.convlstm4j.api;
