package io.github.convlstm4j.api;

import java.util.Objects;

/**
 * The encoder–forecaster structure of Shi et al. 2015, "Convolutional LSTM Network: A Machine
 * Learning Approach for Precipitation Nowcasting", §3.2 and Fig. 3, as a model-wide setting of
 * a {@link ModelSpec} ({@link ModelSpec.Builder#encoderForecaster}).
 *
 * <p>The model's ConvLSTM layers {@code E_1..E_n} are the <em>encoding network</em>: they read
 * the input frames from zero states. The <em>forecasting network</em> mirrors them: layers
 * {@code P_1..P_n} of the same settings (filters, kernels, peepholes, activations) whose
 * initial (h, c) are {@code E_i}'s states after the last input frame ("the initial states and
 * cell outputs of the forecasting network are copied from the last state of the encoding
 * network", §3.2), layer {@code i} to layer {@code i}. They unroll {@link #horizon()} steps
 * without input: {@code P_1} has no input-to-state convolution (no {@code kernel} weight, the
 * reading of "the forecasting network ... takes no input" that reproduces the parameter counts
 * of Table 1), {@code P_i} for {@code i > 1} reads {@code P_{i-1}}'s hidden state of the same
 * step. Each step's prediction is a 1×1 convolution with bias over the concatenation of all
 * forecasting layers' hidden states ("we concatenate all the states in the forecasting network
 * and feed them into a 1×1 convolutional layer to generate the final prediction", §3.2), to the
 * input's channels, then {@link #outputActivation()} (the paper uses a sigmoid with
 * cross-entropy on Moving MNIST, §4.1).
 *
 * <p>Weights, after the encoder's {@code conv_lstm2d_<i>/...}: per forecasting layer
 * {@code i} (0-based) {@code forecaster_lstm_<i>/kernel [kh, kw, F_{i-1}, 4F_i]} (not for
 * {@code i = 0}), {@code forecaster_lstm_<i>/recurrent_kernel}, {@code /bias},
 * {@code /peephole_i, _f, _o} as the encoder layer has them; then
 * {@code forecast_output/kernel [1, 1, ΣF, C]} and {@code forecast_output/bias [C]}.
 *
 * <p>Dropout: an encoder layer with {@link ConvLstmLayerSpec#dropout()} or
 * {@link ConvLstmLayerSpec#recurrentDropout()} trains with masks exactly as Keras' ConvLSTM
 * layer (per gate, fixed over the batch's steps, see
 * {@link io.github.convlstm4j.spi.DropoutMasks}), and its forecasting layer {@code P_i}
 * mirrors the rates, as it mirrors every other setting: the recurrent masks on
 * {@code P_i}'s state and the input masks on {@code P_{i-1}}'s hidden state for {@code i > 1};
 * {@code P_1} reads no input, so only its recurrent masks apply. The reason for the mirror: the
 * forecaster is the encoder's continuation (it starts from the encoder's states with the same
 * shapes), and without masks of its own its state-to-state weights, which carry the whole
 * forecast, would be the only ones left unregularised. The 1×1 output convolution has none.
 * Inference applies no masks.
 *
 * <p>A model with it forecasts {@code horizon} frames for an input of any length; a forecast
 * of {@code h > horizon} frames unrolls the forecasting network further.
 *
 * @param horizon K, the frames the model predicts (and trains on), at least 1
 * @param outputActivation applied after the 1×1 convolution (SIGMOID for data in [0, 1],
 *     LINEAR for unbounded values)
 */
public record EncoderForecasterSpec(int horizon, Activation outputActivation) {

  /** Name stem of the forecasting layers' weights. */
  public static final String FORECASTER_KIND = "forecaster_lstm";
  /** Name of the output convolution's kernel {@code [1, 1, ΣF, C]}. */
  public static final String OUTPUT_KERNEL = "forecast_output/kernel";
  /** Name of the output convolution's bias {@code [C]}. */
  public static final String OUTPUT_BIAS = "forecast_output/bias";

  /**
   * Validates.
   *
   * @throws IllegalArgumentException if the horizon is not positive
   */
  public EncoderForecasterSpec {
    if (horizon < 1) {
      throw new IllegalArgumentException("horizon must be at least 1, got " + horizon);
    }
    Objects.requireNonNull(outputActivation, "outputActivation");
  }

  /**
   * The weight-name prefix of forecasting layer {@code i}.
   *
   * @param layer 0-based forecasting layer index
   * @return {@code forecaster_lstm_<layer>}
   */
  public static String layerName(int layer) {
    return FORECASTER_KIND + "_" + layer;
  }
}
