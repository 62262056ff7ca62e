package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.EncoderForecasterSpec;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.reference.kernel.MatMul;
import io.github.convlstm4j.spi.PackedBatch;
import java.util.Arrays;

/**
 * The encoder–forecaster of Shi et al. 2015 (§3.2, Fig. 3; {@link EncoderForecasterSpec}) on
 * flat arrays: forward (the encoder over the input from given or zero states, the forecasting
 * network unrolled from the encoder's final states, the 1×1 output convolution over all
 * forecasting layers' hidden states), loss, and backpropagation through time from the
 * predictions through the forecasting network into the encoder's final states and on through
 * the encoder.
 *
 * <p>Kept apart from {@link Network} (the stacked models) on purpose: the cells here carry an
 * initial state in training too, and their backward pass takes a gradient into the final state
 * and returns the one into the initial state. The element-wise step is {@link CellOps}' (with
 * the paper's peepholes when the layer has them), the convolutions are im2col + GEMM per step
 * (no Winograd), so both networks compute the same cell.
 *
 * <p>Layout: time-major and channels-last, {@code [T, N, H, W, C]}; per cell the hidden and
 * cell states are kept as {@code T + 1} slots, slot 0 the initial state. Not thread-safe.
 */
final class EncoderForecasterNet implements AutoCloseable {

  private static final int ELEMENT_GRAIN = 256;

  /** One ConvLSTM cell of the encoder or the forecaster with its buffers of the last run. */
  private static final class Cell {
    final ConvLstmLayerSpec spec;
    /** Input channels, 0 for the first forecasting layer (no input-to-state convolution). */
    final int cin;
    final int f;
    final int kh;
    final int kw;
    final int rkh;
    final int rkw;
    final int padTop;
    final int padLeft;
    final int recTop;
    final int recLeft;
    final Param kernel;
    final Param recurrent;
    final Param bias;
    final Param peepI;
    final Param peepF;
    final Param peepO;
    final float[] zeroBias;
    /** Training dropout masks per gate i, f, c, o ({@link #dropout}), or null. */
    float[][] maskIn;
    float[][] maskRec;
    float[] gates = new float[0];
    float[] cells = new float[0];
    float[] hs = new float[0];
    int steps;

    Cell(ConvLstmLayerSpec spec, String prefix, int cin, Parameters p) {
      this.spec = spec;
      this.cin = cin;
      this.f = spec.filters();
      this.kh = spec.kernelHeight();
      this.kw = spec.kernelWidth();
      this.rkh = spec.recurrentKernelHeight();
      this.rkw = spec.recurrentKernelWidth();
      this.padTop = spec.padding().before(kh);
      this.padLeft = spec.padding().before(kw);
      this.recTop = (rkh - 1) / 2;
      this.recLeft = (rkw - 1) / 2;
      this.kernel = cin == 0 ? null : p.get(prefix + "/kernel");
      this.recurrent = p.get(prefix + "/recurrent_kernel");
      this.bias = spec.useBias() ? p.get(prefix + "/bias") : null;
      this.peepI = spec.peephole() ? p.get(prefix + "/peephole_i") : null;
      this.peepF = spec.peephole() ? p.get(prefix + "/peephole_f") : null;
      this.peepO = spec.peephole() ? p.get(prefix + "/peephole_o") : null;
      this.zeroBias = new float[4 * f];
    }
  }

  private final ModelSpec spec;
  private final Parameters params;
  private final Parallel par;
  private final MatMul mm;
  private final CellOps cellOps;
  private final Cell[] encoder;
  private final Cell[] forecaster;
  private final Param outKernel;
  private final Param outBias;
  private final Activation outAct;
  private final int channels;
  private final int horizon;
  private final ColumnSums columnSums;

  // Shape of the last run.
  private int batch;
  private int height;
  private int width;
  private int inFrames;
  private int outFrames;
  private float[] input = new float[0];
  private float[] output = new float[0];
  private float[] col = new float[0];
  private float[] dropX = new float[0];
  private float[] dropH = new float[0];
  private float[] part = new float[0];

  EncoderForecasterNet(ModelSpec spec, Parameters params, Parallel par, MatMul mm) {
    this.spec = spec;
    this.params = params;
    this.par = par;
    this.columnSums = new ColumnSums(par);
    this.mm = mm;
    this.cellOps = CellOps.forKernel(mm);
    EncoderForecasterSpec ef = spec.encoderForecaster().orElseThrow();
    int n = spec.convLstmLayers().size();
    this.encoder = new Cell[n];
    this.forecaster = new Cell[n];
    int cin = spec.inputChannels();
    int fin = 0;
    for (int i = 0; i < n; i++) {
      ConvLstmLayerSpec l = spec.convLstmLayers().get(i);
      encoder[i] = new Cell(l, ConvLstmLayerSpec.KIND + "_" + i, cin, params);
      forecaster[i] = new Cell(l, EncoderForecasterSpec.layerName(i), fin, params);
      cin = l.filters();
      fin = l.filters();
    }
    this.outKernel = params.get(EncoderForecasterSpec.OUTPUT_KERNEL);
    this.outBias = params.get(EncoderForecasterSpec.OUTPUT_BIAS);
    this.outAct = ef.outputActivation();
    this.channels = spec.inputChannels();
    this.horizon = ef.horizon();
  }

  int layers() {
    return encoder.length;
  }

  /**
   * Sets the dropout masks of the next training run (forward and {@link #backward}), Keras
   * semantics (see {@link io.github.convlstm4j.spi.DropoutMasks}): per cell, indices
   * {@code 0..n-1} the encoder, {@code n..2n-1} the forecaster, null or four masks (gates i, f,
   * c, o) of the step input {@code [N, H, W, C_in]} and of the state {@code [N, H, W, F]},
   * channels-last, the same at every step; gate q's input convolution reads the masked input
   * and its recurrent convolution the masked state. Null arrays clear them (inference).
   */
  void dropout(float[][][] input, float[][][] recurrent) {
    int n = encoder.length;
    for (int i = 0; i < 2 * n; i++) {
      Cell c = i < n ? encoder[i] : forecaster[i - n];
      c.maskIn = input == null ? null : input[i];
      c.maskRec = recurrent == null ? null : recurrent[i];
    }
  }

  int horizon() {
    return horizon;
  }

  private int rows() {
    return batch * height * width;
  }

  // ---------------------------------------------------------------- forward

  /** Loads a channels-last batch as the time-major input. */
  void loadInput(PackedBatch b) {
    FrameShape s = b.frameShape();
    batch = b.samples();
    height = s.height();
    width = s.width();
    inFrames = b.frames();
    input = ensure(input, (long) b.size());
    Network.toTimeMajor(b, input);
  }

  /** Sets the batch shape for a forecaster-only run of {@code n} sequences of h×w frames. */
  void shape(int n, int h, int w) {
    batch = n;
    height = h;
    width = w;
    inFrames = 0;
  }

  /** The time-major copy of a channels-last target batch. */
  static float[] timeMajor(PackedBatch b) {
    float[] y = new float[b.size()];
    Network.toTimeMajor(b, y);
    return y;
  }

  /**
   * Runs the encoder over the loaded input.
   *
   * @param h0 per layer the initial hidden state {@code [N, H, W, F]} channels-last, or null
   *     for zeros
   * @param c0 likewise the cell states
   */
  void encode(float[][] h0, float[][] c0) {
    float[] in = input;
    for (int i = 0; i < encoder.length; i++) {
      runCell(encoder[i], in, inFrames, h0 == null ? null : h0[i], c0 == null ? null : c0[i]);
      in = encoder[i].hs;
      // the next layer reads slots 1..T: pass the array with an offset through runCell
    }
  }

  /** Encoder layer i's hidden state after the last input frame, a copy. */
  float[] encoderH(int i) {
    Cell c = encoder[i];
    int stepF = rows() * c.f;
    return Arrays.copyOfRange(c.hs, inFrames * stepF, (inFrames + 1) * stepF);
  }

  /** Encoder layer i's cell state after the last input frame, a copy. */
  float[] encoderC(int i) {
    Cell c = encoder[i];
    int stepF = rows() * c.f;
    return Arrays.copyOfRange(c.cells, inFrames * stepF, (inFrames + 1) * stepF);
  }

  /**
   * Unrolls the forecasting network {@code steps} steps from the encoder's final states (of
   * the last {@link #encode}) or from given ones, and computes the predictions.
   */
  void forecast(int steps, float[][] h0, float[][] c0) {
    outFrames = steps;
    float[] in = null;
    for (int i = 0; i < forecaster.length; i++) {
      float[] hi = h0 != null ? h0[i] : encoderH(i);
      float[] ci = c0 != null ? c0[i] : encoderC(i);
      runCell(forecaster[i], in, steps, hi, ci);
      in = forecaster[i].hs;
    }
    int rows = rows();
    output = ensure(output, (long) steps * rows * channels);
    int concat = 0;
    for (Cell c : forecaster) {
      concat += c.f;
    }
    float[] w = outKernel.value;
    float[] y = output;
    for (int t = 0; t < steps; t++) {
      int row = 0;
      for (int i = 0; i < forecaster.length; i++) {
        Cell c = forecaster[i];
        int stepF = rows * c.f;
        mm.gemm(false, false, rows, channels, c.f, c.hs, (t + 1) * stepF, c.f, w,
            row * channels, channels, y, t * rows * channels, channels, i > 0);
        row += c.f;
      }
    }
    assert concat == outKernel.shape[2];
    float[] b = outBias.value;
    int co = channels;
    par.forRange(steps * rows, ELEMENT_GRAIN / co + 1, (from, to) -> {
      for (int r = from; r < to; r++) {
        for (int o = 0; o < co; o++) {
          int e = r * co + o;
          y[e] = Act.apply(outAct, y[e] + b[o]);
        }
      }
    });
  }

  /**
   * Runs one cell over {@code steps} steps. Reads the input's step t at
   * {@code in[(t + 1)·N·H·W·cin]} when {@code in} is another cell's state slots, or at
   * {@code in[t·N·H·W·cin]} for the network input; {@code in} is null for no input.
   */
  private void runCell(Cell c, float[] in, int steps, float[] h0, float[] c0) {
    int rows = rows();
    int f = c.f;
    int g = 4 * f;
    int stepF = rows * f;
    int stepG = rows * g;
    c.steps = steps;
    c.gates = ensure(c.gates, (long) steps * stepG);
    c.cells = ensure(c.cells, (long) (steps + 1) * stepF);
    c.hs = ensure(c.hs, (long) (steps + 1) * stepF);
    if (h0 == null) {
      Arrays.fill(c.hs, 0, stepF, 0f);
      Arrays.fill(c.cells, 0, stepF, 0f);
    } else {
      System.arraycopy(h0, 0, c.hs, 0, stepF);
      System.arraycopy(c0, 0, c.cells, 0, stepF);
    }
    int inStep = rows * c.cin;
    int inBase = in == input ? 0 : inStep; // state slots start with the initial state
    int k = c.kh * c.kw * c.cin;
    int kr = c.rkh * c.rkw * f;
    col = ensure(col, (long) rows * Math.max(k, kr));
    dropX = ensure(dropX, inStep);
    dropH = ensure(dropH, stepF);
    float[] b = c.bias == null ? c.zeroBias : c.bias.value;
    Activation ra = c.spec.recurrentActivation();
    Activation act = c.spec.activation();
    for (int t = 0; t < steps; t++) {
      int gOff = t * stepG;
      if (c.kernel != null && c.maskIn != null) {
        int xOff = inBase + t * inStep;
        for (int q = 0; q < 4; q++) {
          masked(in, xOff, inStep, c.maskIn[q], dropX);
          Im2col.im2col(par, dropX, 0, batch, height, width, c.cin, c.kh, c.kw, c.padTop,
              c.padLeft, height, width, col);
          mm.gemm(false, false, rows, f, k, col, 0, k, c.kernel.value, q * f, g, c.gates,
              gOff + q * f, g, false);
        }
      } else if (c.kernel != null) {
        Im2col.im2col(par, in, inBase + t * inStep, batch, height, width, c.cin, c.kh, c.kw,
            c.padTop, c.padLeft, height, width, col);
        mm.gemm(false, false, rows, g, k, col, 0, k, c.kernel.value, 0, g, c.gates, gOff, g,
            false);
      }
      if (c.maskRec != null) {
        for (int q = 0; q < 4; q++) {
          masked(c.hs, t * stepF, stepF, c.maskRec[q], dropH);
          Im2col.im2col(par, dropH, 0, batch, height, width, f, c.rkh, c.rkw, c.recTop,
              c.recLeft, height, width, col);
          mm.gemm(false, false, rows, f, kr, col, 0, kr, c.recurrent.value, q * f, g, c.gates,
              gOff + q * f, g, c.kernel != null);
        }
      } else {
        Im2col.im2col(par, c.hs, t * stepF, batch, height, width, f, c.rkh, c.rkw, c.recTop,
            c.recLeft, height, width, col);
        mm.gemm(false, false, rows, g, kr, col, 0, kr, c.recurrent.value, 0, g, c.gates, gOff,
            g, c.kernel != null);
      }
      int cOff = (t + 1) * stepF;
      int cPrev = t * stepF;
      float[] gates = c.gates;
      float[] cells = c.cells;
      float[] hs = c.hs;
      if (c.peepI != null) {
        float[] wi = c.peepI.value;
        float[] wf = c.peepF.value;
        float[] wo = c.peepO.value;
        par.forRange(rows, ELEMENT_GRAIN / f + 1, (from, to) ->
            cellOps.forwardPeephole(ra, act, f, b, wi, wf, wo, gates, gOff, cells, cOff, cPrev,
                hs, cOff, from, to));
      } else {
        par.forRange(rows, ELEMENT_GRAIN / f + 1, (from, to) ->
            cellOps.forward(ra, act, f, b, gates, gOff, cells, cOff, cPrev, hs, cOff, from, to));
      }
    }
  }

  /** The predictions of the last {@link #forecast} as a channels-last batch. */
  PackedBatch outputBatch() {
    int n = batch;
    int fo = height * width * channels;
    float[] packed = new float[n * outFrames * fo];
    for (int s = 0; s < n; s++) {
      for (int t = 0; t < outFrames; t++) {
        System.arraycopy(output, (t * n + s) * fo, packed, (s * outFrames + t) * fo, fo);
      }
    }
    return PackedBatch.adopt(n, outFrames, new FrameShape(height, width, channels), packed);
  }

  /** Sum of the element-wise loss of the last forecast against a time-major target. */
  double lossSum(Loss loss, float[] target) {
    int count = outFrames * rows() * channels;
    double[] s = new double[1];
    float[] p = output;
    reduce(count, 1, s, (from, to, acc, o) -> {
      double sum = 0;
      for (int e = from; e < to; e++) {
        sum += Network.elementLoss(loss, p[e], target[e]);
      }
      acc[o] += sum;
    });
    return s[0];
  }

  // ---------------------------------------------------------------- backward

  /**
   * Backpropagates the mean loss of the last {@link #encode} (from zero states) and
   * {@link #forecast} (from the encoder's states) into every parameter's gradient
   * (overwritten).
   *
   * @return the mean loss
   */
  double backward(Loss loss, float[] target) {
    params.zeroGradients();
    int rows = rows();
    int co = channels;
    int count = outFrames * rows * co;
    double sum = lossSum(loss, target);
    float[] y = output;
    float[] dy = new float[count];
    par.forRange(count, ELEMENT_GRAIN, (from, to) -> {
      for (int e = from; e < to; e++) {
        dy[e] = (float) (Network.elementLossGradient(loss, y[e], target[e], count)
            * Act.derivativeFromOutput(outAct, y[e]));
      }
    });
    double[] bs = new double[co];
    reduce(outFrames * rows, co, bs, (from, to, acc, o) -> {
      for (int r = from; r < to; r++) {
        for (int c = 0; c < co; c++) {
          acc[o + c] += dy[r * co + c];
        }
      }
    });
    for (int c = 0; c < co; c++) {
      outBias.grad[c] = (float) bs[c];
    }
    // Per forecasting layer: dW rows += H_iᵀ dY, dOut_i = dY W_iᵀ.
    int n = forecaster.length;
    float[][] dOut = new float[n][];
    int row = 0;
    for (int i = 0; i < n; i++) {
      Cell c = forecaster[i];
      int stepF = rows * c.f;
      dOut[i] = new float[outFrames * stepF];
      float[] wT = Network.transpose(Arrays.copyOfRange(outKernel.value, row * co,
          (row + c.f) * co), c.f, co, new float[c.f * co]);
      for (int t = 0; t < outFrames; t++) {
        mm.gemm(true, false, c.f, co, rows, c.hs, (t + 1) * stepF, c.f, dy, t * rows * co, co,
            outKernel.grad, row * co, co, true);
        mm.gemm(false, false, rows, c.f, co, dy, t * rows * co, co, wT, 0, c.f, dOut[i],
            t * stepF, c.f, false);
      }
      row += c.f;
    }
    // The forecaster from its last layer down; each layer's initial-state gradient goes to the
    // encoder layer it started from.
    float[][] dh0 = new float[n][];
    float[][] dc0 = new float[n][];
    for (int i = n - 1; i >= 0; i--) {
      Cell c = forecaster[i];
      float[] dIn = i > 0 ? new float[outFrames * rows * c.cin] : null;
      float[][] init = backwardCell(c, i > 0 ? forecaster[i - 1].hs : null, true, dOut[i], null,
          null, dIn);
      dh0[i] = init[0];
      dc0[i] = init[1];
      if (dIn != null) {
        float[] d = dOut[i - 1];
        for (int e = 0; e < dIn.length; e++) {
          d[e] += dIn[e];
        }
      }
    }
    float[] dNext = null;
    for (int i = n - 1; i >= 0; i--) {
      Cell c = encoder[i];
      float[] dIn = i > 0 ? new float[inFrames * rows * c.cin] : null;
      backwardCell(c, i > 0 ? encoder[i - 1].hs : input, i > 0, dNext, dh0[i], dc0[i], dIn);
      dNext = dIn;
    }
    return sum / count;
  }

  /**
   * BPTT through one cell of the last run; adds into its parameters' gradients.
   *
   * @param in the cell's input as in {@link #runCell}, or null
   * @param slots whether {@code in} is state slots (step t at slot t + 1)
   * @param dOut gradient into each step's hidden state {@code [T, rows, F]}, or null
   * @param dhT gradient into the final hidden state, or null
   * @param dcT gradient into the final cell state, or null
   * @param dIn receives the input gradient {@code [T, rows, cin]}, or null
   * @return the gradients into the initial hidden and cell states
   */
  private float[][] backwardCell(Cell c, float[] in, boolean slots, float[] dOut, float[] dhT,
      float[] dcT, float[] dIn) {
    int rows = rows();
    int f = c.f;
    int g = 4 * f;
    int stepF = rows * f;
    int stepG = rows * g;
    int steps = c.steps;
    int k = c.kh * c.kw * c.cin;
    int kr = c.rkh * c.rkw * f;
    float[] dz = new float[steps * stepG];
    float[] dc = dcT == null ? new float[stepF] : dcT.clone();
    float[] dh = dhT == null ? new float[stepF] : dhT.clone();
    float[] recT = Network.transpose(c.recurrent.value, kr, g, new float[kr * g]);
    col = ensure(col, (long) rows * Math.max(k, kr));
    int inStep = rows * c.cin;
    part = ensure(part, Math.max(inStep, stepF));
    dropX = ensure(dropX, inStep);
    dropH = ensure(dropH, stepF);
    Activation ra = c.spec.recurrentActivation();
    Activation act = c.spec.activation();
    float[] gates = c.gates;
    float[] cells = c.cells;
    for (int t = steps - 1; t >= 0; t--) {
      int gOff = t * stepG;
      int cOff = (t + 1) * stepF;
      int cPrev = t * stepF;
      int dOutOff = dOut == null ? -1 : t * stepF;
      if (c.peepI != null) {
        float[] wi = c.peepI.value;
        float[] wf = c.peepF.value;
        float[] wo = c.peepO.value;
        par.forRange(rows, ELEMENT_GRAIN / f + 1, (from, to) ->
            cellOps.backwardPeephole(ra, act, f, wi, wf, wo, gates, gOff, cells, cOff, cPrev, dh,
                dOut, dOutOff, dc, dz, from, to));
      } else {
        par.forRange(rows, ELEMENT_GRAIN / f + 1, (from, to) ->
            cellOps.backward(ra, act, f, gates, gOff, cells, cOff, cPrev, dh, dOut, dOutOff, dc,
                dz, from, to));
      }
      if (c.maskRec != null) {
        // dH_{t-1} = Σ_q r_q ⊙ col2im(dz_q · U_qᵀ)
        Arrays.fill(dh, 0, stepF, 0f);
        for (int q = 0; q < 4; q++) {
          mm.gemm(false, true, rows, kr, f, dz, gOff + q * f, g, c.recurrent.value, q * f, g,
              col, 0, kr, false);
          Im2col.col2im(par, cellOps, col, batch, height, width, f, c.rkh, c.rkw, c.recTop,
              c.recLeft, height, width, part, 0);
          addMasked(part, c.maskRec[q], dh, 0, stepF);
        }
      } else {
        // dH_{t-1} = col2im(dz_t · Uᵀ) (at t = 0: the initial state's)
        mm.gemm(false, false, rows, kr, g, dz, gOff, g, recT, 0, kr, col, 0, kr, false);
        Im2col.col2im(par, cellOps, col, batch, height, width, f, c.rkh, c.rkw, c.recTop,
            c.recLeft, height, width, dh, 0);
      }
    }
    if (c.bias != null) {
      double[] bs = new double[g];
      reduce(steps * rows, g, bs, (from, to, acc, o) -> {
        for (int r = from; r < to; r++) {
          for (int j = 0; j < g; j++) {
            acc[o + j] += dz[r * g + j];
          }
        }
      });
      for (int j = 0; j < g; j++) {
        c.bias.grad[j] += (float) bs[j];
      }
    }
    if (c.peepI != null) {
      double[] s = new double[3 * f];
      reduce(steps * rows, 3 * f, s, (from, to, acc, o) -> {
        for (int r = from; r < to; r++) {
          int gr = r * g;
          int cp = r * f; // C_{t-1}: slot t
          int cn = cp + stepF; // C_t: slot t + 1
          for (int j = 0; j < f; j++) {
            acc[o + j] += dz[gr + j] * cells[cp + j];
            acc[o + f + j] += dz[gr + f + j] * cells[cp + j];
            acc[o + 2 * f + j] += dz[gr + 3 * f + j] * cells[cn + j];
          }
        }
      });
      for (int j = 0; j < f; j++) {
        c.peepI.grad[j] += (float) s[j];
        c.peepF.grad[j] += (float) s[f + j];
        c.peepO.grad[j] += (float) s[2 * f + j];
      }
    }
    int inBase = slots ? inStep : 0;
    float[] kernelT = c.kernel == null || dIn == null ? null
        : Network.transpose(c.kernel.value, k, g, new float[k * g]);
    for (int t = 0; t < steps; t++) {
      int gOff = t * stepG;
      if (c.maskRec != null || c.maskIn != null) {
        maskedWeightGradients(c, dz, in, inBase + t * inStep, t, gOff, dIn);
        continue;
      }
      Im2col.im2col(par, c.hs, t * stepF, batch, height, width, f, c.rkh, c.rkw, c.recTop,
          c.recLeft, height, width, col);
      mm.gemm(true, false, kr, g, rows, col, 0, kr, dz, gOff, g, c.recurrent.grad, 0, g, true);
      if (c.kernel != null) {
        Im2col.im2col(par, in, inBase + t * inStep, batch, height, width, c.cin, c.kh, c.kw,
            c.padTop, c.padLeft, height, width, col);
        mm.gemm(true, false, k, g, rows, col, 0, k, dz, gOff, g, c.kernel.grad, 0, g, true);
        if (kernelT != null) {
          mm.gemm(false, false, rows, k, g, dz, gOff, g, kernelT, 0, k, col, 0, k, false);
          Im2col.col2im(par, cellOps, col, batch, height, width, c.cin, c.kh, c.kw, c.padTop,
              c.padLeft, height, width, dIn, t * inStep);
        }
      }
    }
    return new float[][] {dh, dc};
  }

  /**
   * Step t's weight and input gradients of a cell with dropout masks, per gate q: recurrent
   * kernel {@code += im2col(r_q ⊙ H_{t-1})ᵀ · dz_q}, kernel {@code += im2col(m_q ⊙ X_t)ᵀ ·
   * dz_q}, input gradient {@code Σ_q m_q ⊙ col2im(dz_q · W_qᵀ)} (a missing mask is all ones).
   */
  private void maskedWeightGradients(Cell c, float[] dz, float[] in, int xOff, int t,
      int gOff, float[] dIn) {
    int rows = rows();
    int f = c.f;
    int g = 4 * f;
    int stepF = rows * f;
    int inStep = rows * c.cin;
    int k = c.kh * c.kw * c.cin;
    int kr = c.rkh * c.rkw * f;
    for (int q = 0; q < 4; q++) {
      float[] h = c.maskRec == null ? c.hs : masked(c.hs, t * stepF, stepF, c.maskRec[q], dropH);
      Im2col.im2col(par, h, h == c.hs ? t * stepF : 0, batch, height, width, f, c.rkh, c.rkw,
          c.recTop, c.recLeft, height, width, col);
      mm.gemm(true, false, kr, f, rows, col, 0, kr, dz, gOff + q * f, g, c.recurrent.grad,
          q * f, g, true);
      if (c.kernel != null) {
        float[] x = c.maskIn == null ? in : masked(in, xOff, inStep, c.maskIn[q], dropX);
        Im2col.im2col(par, x, x == in ? xOff : 0, batch, height, width, c.cin, c.kh, c.kw,
            c.padTop, c.padLeft, height, width, col);
        mm.gemm(true, false, k, f, rows, col, 0, k, dz, gOff + q * f, g, c.kernel.grad, q * f,
            g, true);
        if (dIn != null) {
          mm.gemm(false, true, rows, k, f, dz, gOff + q * f, g, c.kernel.value, q * f, g, col, 0,
              k, false);
          Im2col.col2im(par, cellOps, col, batch, height, width, c.cin, c.kh, c.kw, c.padTop,
              c.padLeft, height, width, part, 0);
          addMasked(part, c.maskIn == null ? null : c.maskIn[q], dIn, t * inStep, inStep);
        }
      }
    }
  }

  /** {@code x[off ..]} times {@code mask} into {@code dst}; returns {@code dst}. */
  private static float[] masked(float[] x, int off, int n, float[] mask, float[] dst) {
    for (int e = 0; e < n; e++) {
      dst[e] = x[off + e] * mask[e];
    }
    return dst;
  }

  /** {@code dst[off + e] += src[e]·mask[e]} (mask null: 1) for {@code e < n}. */
  private static void addMasked(float[] src, float[] mask, float[] dst, int off, int n) {
    for (int e = 0; e < n; e++) {
      dst[off + e] += mask == null ? src[e] : src[e] * mask[e];
    }
  }

  // ---------------------------------------------------------------- helpers

  private static float[] ensure(float[] a, long size) {
    if (a.length >= size) {
      return a;
    }
    return new float[Math.toIntExact(size)];
  }

  private void reduce(int rows, int width, double[] result, ColumnSums.Block body) {
    columnSums.sum(rows, width, result, body);
  }

  @Override
  public void close() {
    input = new float[0];
    output = new float[0];
    col = new float[0];
    dropX = dropH = part = new float[0];
    for (Cell c : encoder) {
      c.gates = c.cells = c.hs = new float[0];
    }
    for (Cell c : forecaster) {
      c.gates = c.cells = c.hs = new float[0];
    }
  }
}
