package io.github.convlstm4j.testkit;

import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.EncoderForecasterSpec;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.LayerSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Padding;
import java.util.List;

/**
 * An independent double-precision encoder–forecaster (Shi et al. 2015, §3.2 and Fig. 3, eq. 3
 * for the cells), written from the equations with plain loops and no shared code with any
 * backend: patches through {@link PlainFrameLayers}, the encoder from zero states over the
 * input, the forecaster from the encoder's final (h, c) layer by layer, its first layer without
 * input, each step's prediction the 1×1 convolution with bias over all forecasting layers'
 * hidden states, then the output activation.
 */
final class PlainEncoderForecaster {

  private PlainEncoderForecaster() {}

  /**
   * The forecast of {@code steps} frames for an input.
   *
   * @param spec an encoder–forecaster
   * @param w its weights
   * @param input the input sequence
   * @param steps frames to forecast (the horizon, or more)
   * @return the predictions in double precision, patches undone
   */
  static PlainConvLstm.Block forecast(ModelSpec spec, ModelWeights w, FrameSequence input,
      int steps) {
    w.requireCompatible(spec);
    EncoderForecasterSpec ef = spec.encoderForecaster().orElseThrow();
    float[] in = input.toArray();
    double[] x = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      x[i] = in[i];
    }
    PlainConvLstm.Block cur = new PlainConvLstm.Block(input.frames(), input.height(),
        input.width(), input.channels(), x);
    List<LayerSpec> layers = spec.layers();
    LayerSpec first = layers.get(0);
    if (!(first instanceof ConvLstmLayerSpec)) {
      cur = PlainFrameLayers.apply(first, spec.layerName(0) + "/", w, cur);
    }
    int hh = cur.height();
    int ww = cur.width();
    int channels = cur.channels();
    List<ConvLstmLayerSpec> cells = spec.convLstmLayers();
    int n = cells.size();
    double[][] hs = new double[n][];
    double[][] cs = new double[n][];
    for (int i = 0; i < n; i++) {
      ConvLstmLayerSpec l = cells.get(i);
      String p = ConvLstmLayerSpec.KIND + "_" + i + "/";
      double[][] state = {new double[hh * ww * l.filters()], new double[hh * ww * l.filters()]};
      cur = run(l, p, w, cur, cur.frames(), state, hh, ww);
      hs[i] = state[0];
      cs[i] = state[1];
    }
    // The forecaster: layer i from encoder layer i's final state.
    PlainConvLstm.Block[] outs = new PlainConvLstm.Block[n];
    PlainConvLstm.Block fin = null;
    int concat = 0;
    for (int i = 0; i < n; i++) {
      ConvLstmLayerSpec l = cells.get(i);
      String p = EncoderForecasterSpec.layerName(i) + "/";
      double[][] state = {hs[i].clone(), cs[i].clone()};
      fin = run(l, p, w, fin, steps, state, hh, ww);
      outs[i] = fin;
      concat += l.filters();
    }
    float[] k = w.get(EncoderForecasterSpec.OUTPUT_KERNEL).toArray(); // [1, 1, ΣF, C]
    float[] b = w.get(EncoderForecasterSpec.OUTPUT_BIAS).toArray();
    double[] y = new double[steps * hh * ww * channels];
    for (int t = 0; t < steps; t++) {
      for (int r = 0; r < hh; r++) {
        for (int c = 0; c < ww; c++) {
          for (int o = 0; o < channels; o++) {
            double z = b[o];
            int row = 0;
            for (int i = 0; i < n; i++) {
              for (int j = 0; j < cells.get(i).filters(); j++) {
                z += outs[i].get(t, r, c, j) * k[(row + j) * channels + o];
              }
              row += cells.get(i).filters();
            }
            y[((t * hh + r) * ww + c) * channels + o] = ef.outputActivation().apply(z);
          }
        }
      }
    }
    assert concat == w.get(EncoderForecasterSpec.OUTPUT_KERNEL).shape()[2];
    cur = new PlainConvLstm.Block(steps, hh, ww, channels, y);
    LayerSpec last = layers.get(layers.size() - 1);
    if (!(last instanceof ConvLstmLayerSpec)) {
      cur = PlainFrameLayers.apply(last, spec.layerName(layers.size() - 1) + "/", w, cur);
    }
    return cur;
  }

  /**
   * One cell over {@code steps} steps of {@code hh × ww} frames from {@code state} (h, c;
   * updated in place), reading {@code x} (null: no input-to-state convolution, the first
   * forecasting layer).
   */
  private static PlainConvLstm.Block run(ConvLstmLayerSpec l, String p, ModelWeights w,
      PlainConvLstm.Block x, int steps, double[][] state, int hh, int ww) {
    int f = l.filters();
    int size = hh * ww;
    float[] kernel = x == null ? null : w.get(p + "kernel").toArray();
    float[] rec = w.get(p + "recurrent_kernel").toArray();
    float[] bias = l.useBias() ? w.get(p + "bias").toArray() : null;
    float[][] peep = l.peephole() ? new float[][] {w.get(p + "peephole_i").toArray(),
        w.get(p + "peephole_f").toArray(), w.get(p + "peephole_o").toArray()} : null;
    int cin = x == null ? 0 : x.channels();
    int kh = l.kernelHeight();
    int kw = l.kernelWidth();
    int rkh = l.recurrentKernelHeight();
    int rkw = l.recurrentKernelWidth();
    int padTop = Padding.SAME.before(kh);
    int padLeft = Padding.SAME.before(kw);
    int recTop = Padding.SAME.before(rkh);
    int recLeft = Padding.SAME.before(rkw);
    int g4 = 4 * f;
    double[] h = state[0];
    double[] c = state[1];
    double[] out = new double[steps * size * f];
    double[] nextH = new double[h.length];
    double[] z = new double[g4];
    for (int t = 0; t < steps; t++) {
      for (int r = 0; r < hh; r++) {
        for (int col = 0; col < ww; col++) {
          for (int g = 0; g < g4; g++) {
            z[g] = bias == null ? 0 : bias[g];
          }
          for (int dy = 0; dy < kh && kernel != null; dy++) {
            for (int dx = 0; dx < kw; dx++) {
              int ir = r + dy - padTop;
              int ic = col + dx - padLeft;
              if (ir < 0 || ir >= hh || ic < 0 || ic >= ww) {
                continue;
              }
              for (int ch = 0; ch < cin; ch++) {
                double v = x.get(t, ir, ic, ch);
                for (int g = 0; g < g4; g++) {
                  z[g] += v * kernel[((dy * kw + dx) * cin + ch) * g4 + g];
                }
              }
            }
          }
          for (int dy = 0; dy < rkh; dy++) {
            for (int dx = 0; dx < rkw; dx++) {
              int ir = r + dy - recTop;
              int ic = col + dx - recLeft;
              if (ir < 0 || ir >= hh || ic < 0 || ic >= ww) {
                continue;
              }
              for (int ch = 0; ch < f; ch++) {
                double v = h[(ir * ww + ic) * f + ch];
                for (int g = 0; g < g4; g++) {
                  z[g] += v * rec[((dy * rkw + dx) * f + ch) * g4 + g];
                }
              }
            }
          }
          for (int j = 0; j < f; j++) {
            int at = (r * ww + col) * f + j;
            double cPrev = c[at];
            double i = l.recurrentActivation().apply(z[j] + (peep == null ? 0
                : peep[0][j] * cPrev));
            double fg = l.recurrentActivation().apply(z[f + j] + (peep == null ? 0
                : peep[1][j] * cPrev));
            double cand = l.activation().apply(z[2 * f + j]);
            double cNew = fg * cPrev + i * cand;
            double o = l.recurrentActivation().apply(z[3 * f + j] + (peep == null ? 0
                : peep[2][j] * cNew));
            c[at] = cNew;
            nextH[at] = o * l.activation().apply(cNew);
          }
        }
      }
      System.arraycopy(nextH, 0, h, 0, h.length);
      System.arraycopy(h, 0, out, t * h.length, h.length);
    }
    return new PlainConvLstm.Block(steps, hh, ww, f, out);
  }
}
