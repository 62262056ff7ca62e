package io.github.convlstm4j.spi;

import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.LayerSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.SequenceShape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The dropout masks of one training batch, made once by the forecaster core so that every
 * backend applies the same ones (Keras 3 semantics: {@code keras/src/layers/rnn/conv_lstm.py},
 * {@code ConvLSTMCell.__init__} sets {@code dropout_mask_count = 4} and {@code call} multiplies
 * the step input by {@code dp_mask[0..3]} before the i, f, c, o input convolutions and
 * {@code h_tm1} by {@code rec_dp_mask[0..3]} before the recurrent ones;
 * {@code keras/src/layers/rnn/dropout_rnn_cell.py}, {@code _create_dropout_mask}: each mask is
 * {@code backend.random.dropout(ones_like(step_input), rate)}, cached for every step of the
 * batch; read at keras-team/keras commits 44cac10e and 51d7e770).
 *
 * <p>Per ConvLSTM layer with a non-zero rate and per gate i, f, c, o: an input mask of the
 * layer's step input shape {@code [N, H, W, C_in]} ({@link ConvLstmLayerSpec#dropout()}) and a
 * recurrent mask of the state's shape {@code [N, H', W', F]}
 * ({@link ConvLstmLayerSpec#recurrentDropout()}), channels-last, each value 0 (dropped, with
 * probability {@code rate}) or {@code 1 / (1 - rate)} (inverted dropout), the same at every
 * time step of the batch. Inference applies no mask.
 *
 * <p>An encoder–forecaster ({@link io.github.convlstm4j.api.EncoderForecasterSpec}) with
 * {@code n} ConvLSTM layers has masks for {@code 2n} layers: indices {@code 0..n-1} are the
 * encoder layers {@code E_1..E_n} exactly as above, indices {@code n..2n-1} the forecasting
 * layers {@code P_1..P_n}, each with its encoder layer's rates: the input mask of
 * {@code P_i} ({@code i > 1}) is shaped like {@code P_{i-1}}'s state {@code [N, H, W, F_{i-1}]},
 * {@code P_1} has none (it reads no input), the recurrent mask is shaped like {@code P_i}'s
 * state. Masks of a stacked model, and the encoder's, do not depend on this: each layer index
 * draws from its own streams.
 *
 * <p>The values depend only on the seed, the layer, the path, the gate and the flat element
 * index, drawn from {@link SplittableRandom} streams: the same seed gives the same masks on
 * every backend and machine. The core seeds each batch from the training seed, the epoch and
 * the batch number ({@link #batchSeed}). Immutable; accessors copy.
 */
public final class DropoutMasks {

  private static final DropoutMasks NONE = new DropoutMasks(List.of(), List.of());

  /** Per ConvLSTM layer: 4 input masks, or null without input dropout. */
  private final List<float[][]> input;
  /** Per ConvLSTM layer: 4 recurrent masks, or null without recurrent dropout. */
  private final List<float[][]> recurrent;

  private DropoutMasks(List<float[][]> input, List<float[][]> recurrent) {
    this.input = input;
    this.recurrent = recurrent;
  }

  /**
   * No masks: a model without dropout, or inference.
   *
   * @return the empty set of masks
   */
  public static DropoutMasks none() {
    return NONE;
  }

  /**
   * The seed of one batch's masks.
   *
   * @param trainingSeed {@link io.github.convlstm4j.api.TrainingConfig#seed()}
   * @param epoch 0-based count of epochs completed before the batch's
   * @param batch 0-based batch index within the epoch
   * @return the seed
   */
  public static long batchSeed(long trainingSeed, int epoch, int batch) {
    long s = trainingSeed * 0x9E3779B97F4A7C15L + epoch;
    return s * 0xBF58476D1CE4E5B9L + batch;
  }

  /**
   * The masks of a batch for a model's ConvLSTM layers (and an encoder–forecaster's
   * forecasting layers, see above).
   *
   * @param spec the model (without patch layers: the core's spec)
   * @param samples N, at least 1
   * @param input the shape of one input sequence of the batch
   * @param seed the masks' seed ({@link #batchSeed})
   * @return the masks, {@link #none()} when no layer has dropout
   * @throws IllegalArgumentException if {@code samples} is below 1 or the input does not fit
   *     the model
   */
  public static DropoutMasks of(ModelSpec spec, int samples, SequenceShape input, long seed) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(input, "input");
    if (samples < 1) {
      throw new IllegalArgumentException("samples must be at least 1, got " + samples);
    }
    boolean any = spec.convLstmLayers().stream().anyMatch(ConvLstmLayerSpec::hasDropout);
    if (!any) {
      return NONE;
    }
    List<SequenceShape> shapes = spec.layerOutputShapes(input);
    List<float[][]> in = new ArrayList<>();
    List<float[][]> rec = new ArrayList<>();
    FrameShape before = input.frame();
    int k = 0;
    for (int i = 0; i < spec.layers().size(); i++) {
      LayerSpec l = spec.layers().get(i);
      FrameShape after = shapes.get(i).frame();
      if (l instanceof ConvLstmLayerSpec) {
        ConvLstmLayerSpec c = (ConvLstmLayerSpec) l;
        in.add(c.dropout() > 0
            ? gates(seed, k, 0, samples * (long) before.size(), c.dropout()) : null);
        rec.add(c.recurrentDropout() > 0
            ? gates(seed, k, 1, samples * (long) after.size(), c.recurrentDropout()) : null);
        k++;
      }
      before = after;
    }
    if (spec.encoderForecaster().isPresent()) {
      List<ConvLstmLayerSpec> enc = spec.convLstmLayers();
      long positions = samples * (long) input.frame().height() * input.frame().width();
      int fin = 0;
      for (ConvLstmLayerSpec c : enc) {
        in.add(fin > 0 && c.dropout() > 0
            ? gates(seed, k, 0, positions * fin, c.dropout()) : null);
        rec.add(c.recurrentDropout() > 0
            ? gates(seed, k, 1, positions * c.filters(), c.recurrentDropout()) : null);
        fin = c.filters();
        k++;
      }
    }
    return new DropoutMasks(Collections.unmodifiableList(in),
        Collections.unmodifiableList(rec));
  }

  /** Four masks of {@code size} values for one layer and path. */
  private static float[][] gates(long seed, int layer, int path, long size, double rate) {
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("a dropout mask of " + size + " values does not fit "
          + "an array");
    }
    float keep = (float) (1 / (1 - rate));
    float[][] m = new float[4][(int) size];
    for (int g = 0; g < 4; g++) {
      long stream = ((long) layer * 2 + path) * 4 + g; // one stream per layer, path and gate
      SplittableRandom r = new SplittableRandom(
          new SplittableRandom(seed + stream * 0xD1B54A32D192ED03L).nextLong());
      for (int e = 0; e < m[g].length; e++) {
        m[g][e] = r.nextDouble() < rate ? 0f : keep;
      }
    }
    return m;
  }

  /**
   * Whether there are no masks at all.
   *
   * @return true for {@link #none()}
   */
  public boolean isEmpty() {
    return input.isEmpty();
  }

  /**
   * Layer {@code layer}'s input mask of gate {@code gate}.
   *
   * @param layer ConvLSTM layer index (an encoder–forecaster's forecasting layer {@code i}:
   *     {@code n + i})
   * @param gate 0..3 for i, f, c, o
   * @return a copy {@code [N, H, W, C_in]} channels-last, or null without input dropout (or
   *     without masks)
   */
  public float[] input(int layer, int gate) {
    return copy(input, layer, gate);
  }

  /**
   * Layer {@code layer}'s recurrent mask of gate {@code gate}.
   *
   * @param layer ConvLSTM layer index (an encoder–forecaster's forecasting layer {@code i}:
   *     {@code n + i})
   * @param gate 0..3 for i, f, c, o
   * @return a copy {@code [N, H', W', F]} channels-last, or null without recurrent dropout (or
   *     without masks)
   */
  public float[] recurrent(int layer, int gate) {
    return copy(recurrent, layer, gate);
  }

  private static float[] copy(List<float[][]> masks, int layer, int gate) {
    Objects.checkIndex(gate, 4);
    if (masks.isEmpty()) {
      return null;
    }
    float[][] m = masks.get(layer);
    return m == null ? null : m[gate].clone();
  }
}
