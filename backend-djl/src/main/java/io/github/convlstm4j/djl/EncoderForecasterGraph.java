package io.github.convlstm4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.EncoderForecasterSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.spi.DropoutMasks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The encoder–forecaster of Shi et al. 2015 (§3.2, Fig. 3; {@link EncoderForecasterSpec}) as
 * DJL operations, differentiated by the engine's autograd: the encoder's ConvLSTM layers over
 * the input from zero or given states, the forecasting layers unrolled from the encoder's final
 * states (the first without input), and the 1×1 output convolution over the concatenated hidden
 * states of all forecasting layers, then the output activation.
 *
 * <p>Written plainly: one convolution per step for the input and one for the state, the gate
 * arithmetic without in-place updates (autograd-safe), every intermediate in the caller's
 * per-call manager (closed with it). Layouts as {@link ConvLstmGraph}: input
 * {@code [N, T, C, H, W]}, output {@code [N, K, C, H, W]}, states {@code [N, F, H, W]}.
 */
final class EncoderForecasterGraph {

  private final ModelSpec spec;
  private final EncoderForecasterSpec ef;

  EncoderForecasterGraph(ModelSpec spec) {
    this.spec = spec;
    this.ef = spec.encoderForecaster().orElseThrow();
  }

  /** The model's horizon K. */
  int horizon() {
    return ef.horizon();
  }

  /**
   * Encodes the input and forecasts {@code steps} frames.
   *
   * @param x {@code [N, T, C, H, W]}
   * @param p parameters by Keras name, DJL layouts
   * @param initial per encoder layer the initial state, or null for zeros
   * @param finals receives per encoder layer a fresh copy of its final state (for
   *     {@link EngineStates#keep}), or null
   * @param steps frames to forecast
   * @return {@code [N, steps, C, H, W]}
   */
  NDArray run(NDArray x, Map<String, NDArray> p, List<ConvLstmGraph.State> initial,
      List<ConvLstmGraph.State> finals, int steps) {
    return run(x, p, initial, finals, steps, DropoutMasks.none());
  }

  /**
   * {@link #run} in training mode with a batch's dropout masks (Keras semantics, see
   * {@link DropoutMasks}; indices {@code 0..n-1} the encoder layers, {@code n..2n-1} the
   * forecasting layers): a layer with masks multiplies its step input by gate q's input mask
   * before gate q's input convolution and its previous hidden state by gate q's recurrent mask
   * before gate q's recurrent convolution, the same masks at every step.
   *
   * @param x {@code [N, T, C, H, W]}
   * @param p parameters by Keras name, DJL layouts
   * @param masks the batch's masks, {@link DropoutMasks#none()} for none
   * @return {@code [N, K, C, H, W]}
   */
  NDArray runTraining(NDArray x, Map<String, NDArray> p, DropoutMasks masks) {
    return run(x, p, null, null, ef.horizon(), masks);
  }

  private NDArray run(NDArray x, Map<String, NDArray> p, List<ConvLstmGraph.State> initial,
      List<ConvLstmGraph.State> finals, int steps, DropoutMasks masks) {
    List<ConvLstmGraph.State> states = new ArrayList<>();
    NDArray seq = x;
    List<ConvLstmLayerSpec> layers = spec.convLstmLayers();
    Shape xs = x.getShape();
    long[] in = {xs.get(0), xs.get(3), xs.get(4), xs.get(2)};
    for (int i = 0; i < layers.size(); i++) {
      String name = ConvLstmLayerSpec.KIND + "_" + i;
      ConvLstmGraph.State s0 = initial == null ? null : initial.get(i);
      long[] state = {in[0], in[1], in[2], layers.get(i).filters()};
      NDArray[] r = layer(layers.get(i), name, p, seq, s0, (int) x.getShape().get(1), false,
          masks(x, masks, i, true, in), masks(x, masks, i, false, state));
      in = state;
      seq = r[0];
      states.add(new ConvLstmGraph.State(r[1], r[2]));
      if (finals != null) {
        finals.add(new ConvLstmGraph.State(r[1].duplicate(), r[2].duplicate()));
      }
    }
    return forecast(p, states, steps, masks);
  }

  /**
   * Layer {@code layer}'s four input or recurrent masks as {@code [N, C, H, W]} arrays in
   * {@code like}'s manager (constants), from their channels-last {@code shape}, or null.
   */
  private static NDArray[] masks(NDArray like, DropoutMasks masks, int layer, boolean input,
      long[] shape) {
    if ((input ? masks.input(layer, 0) : masks.recurrent(layer, 0)) == null) {
      return null;
    }
    NDArray[] m = new NDArray[4];
    for (int q = 0; q < 4; q++) {
      float[] v = input ? masks.input(layer, q) : masks.recurrent(layer, q);
      m[q] = DjlArrays.owned(like.getManager(), v, new Shape(shape)).transpose(0, 3, 1, 2);
    }
    return m;
  }

  /**
   * The forecasting network from given encoder states.
   *
   * @param p parameters
   * @param states per layer {@code (h, c)}, {@code [N, F, H, W]}
   * @param steps frames to forecast
   * @return {@code [N, steps, C, H, W]}
   */
  NDArray forecast(Map<String, NDArray> p, List<ConvLstmGraph.State> states, int steps) {
    return forecast(p, states, steps, DropoutMasks.none());
  }

  private NDArray forecast(Map<String, NDArray> p, List<ConvLstmGraph.State> states, int steps,
      DropoutMasks masks) {
    List<ConvLstmLayerSpec> layers = spec.convLstmLayers();
    int encoders = layers.size();
    NDArray seq = null;
    NDList hidden = new NDList();
    for (int i = 0; i < encoders; i++) {
      NDArray like = states.get(i).h();
      Shape hs = like.getShape();
      long[] state = {hs.get(0), hs.get(2), hs.get(3), hs.get(1)};
      long[] in = i == 0 ? null
          : new long[] {hs.get(0), hs.get(2), hs.get(3), layers.get(i - 1).filters()};
      NDArray[] r = layer(layers.get(i), EncoderForecasterSpec.layerName(i), p, seq,
          states.get(i), steps, i == 0, i == 0 ? null : masks(like, masks, encoders + i, true, in),
          masks(like, masks, encoders + i, false, state));
      seq = r[0];
      hidden.add(seq);
    }
    NDArray all = hidden.size() == 1 ? hidden.get(0) : NDArrays.concat(hidden, 2);
    Shape s = all.getShape();
    long n = s.get(0);
    NDArray frames = all.reshape(n * steps, s.get(2), s.get(3), s.get(4));
    NDArray z = ConvLstmGraph.conv(frames, p.get(EncoderForecasterSpec.OUTPUT_KERNEL),
        p.get(EncoderForecasterSpec.OUTPUT_BIAS), new int[] {0, 0}, new int[] {0, 0});
    Shape zs = z.getShape();
    return ConvLstmGraph.activate(z.reshape(n, steps, zs.get(1), zs.get(2), zs.get(3)),
        ef.outputActivation());
  }

  /**
   * One ConvLSTM layer over {@code steps} steps (Shi et al. 2015, eq. 3, peepholes if the
   * layer has them).
   *
   * @param seq the input {@code [N, T, C, H, W]}, or null when {@code noInput}
   * @param s0 the initial state, or null for zeros
   * @param noInput the first forecasting layer: no input-to-state convolution
   * @param dropIn gate i, f, c, o's input masks {@code [N, C, H, W]}, or null
   * @param dropRec gate i, f, c, o's recurrent masks {@code [N, F, H, W]}, or null
   * @return the output sequence {@code [N, steps, F, H, W]}, the final h and c
   */
  private NDArray[] layer(ConvLstmLayerSpec l, String name, Map<String, NDArray> p,
      NDArray seq, ConvLstmGraph.State s0, int steps, boolean noInput, NDArray[] dropIn,
      NDArray[] dropRec) {
    int f = l.filters();
    NDArray kernel = noInput ? null : p.get(name + "/kernel");
    NDArray rec = p.get(name + "/recurrent_kernel");
    NDArray bias = l.useBias() ? p.get(name + "/bias") : null;
    NDArray[] peep = null;
    if (l.peephole()) {
      peep = new NDArray[3];
      String[] g = {"i", "f", "o"};
      for (int j = 0; j < 3; j++) {
        peep[j] = p.get(name + "/peephole_" + g[j]).reshape(1, f, 1, 1);
      }
    }
    int[] inBefore = {l.padding().before(l.kernelHeight()), l.padding().before(l.kernelWidth())};
    int[] inAfter = {l.padding().after(l.kernelHeight()), l.padding().after(l.kernelWidth())};
    int rkh = l.recurrentKernelHeight();
    int rkw = l.recurrentKernelWidth();
    int[] recBefore = {Padding.SAME.before(rkh), Padding.SAME.before(rkw)};
    int[] recAfter = {Padding.SAME.after(rkh), Padding.SAME.after(rkw)};
    NDList inputs = noInput ? null : steps > 1 ? seq.split(steps, 1) : new NDList(seq);
    NDArray h = s0 == null ? null : s0.h();
    NDArray c = s0 == null ? null : s0.c();
    NDArray biasMap = noInput && bias != null ? bias.reshape(1, 4L * f, 1, 1) : null;
    NDList kernels = dropIn == null || noInput ? null : kernel.split(4, 0);
    NDList biases = kernels == null || bias == null ? null : bias.split(4, 0);
    NDList recs = dropRec == null ? null : rec.split(4, 0);
    NDList outputs = new NDList();
    for (int t = 0; t < steps; t++) {
      NDArray z = null;
      if (!noInput) {
        NDArray frame = inputs.get(t).squeeze(1);
        if (kernels == null) {
          z = ConvLstmGraph.conv(frame, kernel, bias, inBefore, inAfter);
        } else { // gate q: conv(X ⊙ m_q, W_q) + b_q
          NDList parts = new NDList();
          for (int q = 0; q < 4; q++) {
            parts.add(ConvLstmGraph.conv(frame.mul(dropIn[q]), kernels.get(q),
                biases == null ? null : biases.get(q), inBefore, inAfter));
          }
          z = NDArrays.concat(parts, 1);
        }
      }
      if (h != null) { // a zero initial state contributes nothing, masked or not
        NDArray r;
        if (recs == null) {
          r = ConvLstmGraph.conv(h, rec, null, recBefore, recAfter);
        } else { // gate q: conv(H_{t-1} ⊙ r_q, U_q)
          NDList parts = new NDList();
          for (int q = 0; q < 4; q++) {
            parts.add(ConvLstmGraph.conv(h.mul(dropRec[q]), recs.get(q), null, recBefore,
                recAfter));
          }
          r = NDArrays.concat(parts, 1);
        }
        z = z == null ? r : z.add(r);
      }
      if (biasMap != null) {
        z = z.add(biasMap);
      }
      NDList gates = z.split(4, 1);
      NDArray zi = gates.get(0);
      NDArray zf = gates.get(1);
      if (peep != null && c != null) {
        zi = zi.add(c.mul(peep[0]));
        zf = zf.add(c.mul(peep[1]));
      }
      NDArray in = ConvLstmGraph.activate(zi, l.recurrentActivation());
      NDArray candidate = ConvLstmGraph.activate(gates.get(2), l.activation());
      NDArray inCandidate = in.mul(candidate);
      NDArray newCell = c == null ? inCandidate
          : ConvLstmGraph.activate(zf, l.recurrentActivation()).mul(c).add(inCandidate);
      NDArray zo = gates.get(3);
      if (peep != null) {
        zo = zo.add(newCell.mul(peep[2]));
      }
      NDArray out = ConvLstmGraph.activate(zo, l.recurrentActivation());
      h = out.mul(ConvLstmGraph.activate(newCell, l.activation()));
      c = newCell;
      outputs.add(h);
    }
    return new NDArray[] {NDArrays.stack(outputs, 1), h, c};
  }
}
