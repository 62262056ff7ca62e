package io.github.convlstm4j.spi;

import io.github.convlstm4j.api.LayerSpec;
import io.github.convlstm4j.api.ModelSpec;
import java.util.EnumSet;
import java.util.Set;

/**
 * Optional features a backend declares through {@link BackendProvider#capabilities()}. A
 * backend must refuse a spec that needs an undeclared capability with a clear exception, and
 * compute declared ones correctly.
 */
public enum Capability {
  /** {@code Forecaster.fit}: backpropagation through time and the optimizers. */
  TRAINING,
  /** Batch normalization after ConvLSTM layers. */
  BATCH_NORM,
  /** HARD_SIGMOID gates. */
  HARD_SIGMOID,
  /** Even kernel sizes (asymmetric SAME padding). */
  EVEN_KERNELS,
  /** VALID input padding. */
  VALID_PADDING,
  /** The Conv3D head (SAME and CAUSAL time padding). */
  CONV3D_HEAD,
  /** A last layer that returns only its final step. */
  LAST_STEP_ONLY,
  /**
   * Inference through the frame-wise layers Keras models bring (dense, flatten, conv2d,
   * conv2d_transpose, max_pooling, layer_normalization, softmax, activation, and batch
   * normalization after any of them). With {@link #TRAINING} also their training, for the
   * layers whose {@link io.github.convlstm4j.api.LayerSpec#trainable()} is true (conv2d, dense,
   * flatten, max_pooling, softmax, activation): gradients through them and into the ConvLSTM
   * layers around them.
   */
  FRAME_LAYERS,
  /**
   * The paper's peephole connections ({@link io.github.convlstm4j.api.ConvLstmLayerSpec#peephole()}),
   * forward and, with {@link #TRAINING}, backward.
   */
  PEEPHOLES,
  /**
   * A state-to-state kernel whose size differs from the input-to-state kernel's
   * ({@link io.github.convlstm4j.api.ConvLstmLayerSpec#recurrentKernelHeight()}).
   */
  RECURRENT_KERNEL_SIZE,
  /**
   * The encoder–forecaster of Shi et al. 2015
   * ({@link io.github.convlstm4j.api.EncoderForecasterSpec}): forward with the encoder's states
   * in and out, the forecasting network unrolled any number of steps
   * ({@link AbstractForecaster#forecastFrom}), and, with {@link #TRAINING}, backward through
   * the forecaster into the encoder.
   */
  ENCODER_FORECASTER;

  /**
   * The capabilities a spec needs for inference ({@link #TRAINING} is never included).
   *
   * @param spec the model
   * @return the needed capabilities
   */
  public static Set<Capability> requiredBy(ModelSpec spec) {
    Set<Capability> s = EnumSet.noneOf(Capability.class);
    for (LayerSpec l : spec.layers()) {
      s.addAll(l.requiredCapabilities());
    }
    if (spec.encoderForecaster().isPresent()) {
      s.add(ENCODER_FORECASTER);
    }
    return s;
  }
}
