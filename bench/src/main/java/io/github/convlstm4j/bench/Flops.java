package io.github.convlstm4j.bench;

import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.ModelSpec;

/**
 * Convolution FLOP counts (a multiply-add is 2 FLOPs; element-wise work, batch norm and the
 * gate activations are not counted).
 *
 * <ul>
 *   <li>ConvLSTM layer, per time step: {@code 2·N·H·W·(kh·kw·C_in + rkh·rkw·F)·4F} (the
 *       input-to-state and the recurrent convolution into the four gates; counted for every
 *       step, also the first, whose recurrent input is zero);
 *   <li>Conv3D head: {@code 2·N·T·H·W·kt·kh·kw·C_in·C_out};
 *   <li>training step: ≈ 3 × forward (forward, input gradient, weight gradient).
 * </ul>
 *
 * <p>These are direct-convolution counts for every backend. A backend that computes 3×3
 * convolutions with Winograd F(2×2, 3×3) (the reference backend's default) does 2.25× fewer
 * multiply-adds there, so GFLOP/s computed from these counts is an effective
 * (direct-equivalent) rate ({@link #EFFECTIVE}).
 */
final class Flops {

  /** The formula as printed in reports. */
  static final String FORMULA = "ConvLSTM layer per step 2*N*H*W*(kh*kw*C_in + rkh*rkw*F)*4F; "
      + "Conv3D head 2*N*T*H*W*kt*kh*kw*C_in*C_out; training step = 3 x forward; "
      + "element-wise work, batch norm and activations not counted";

  /**
   * What the GFLOP/s and "% peak" of model timings mean, as printed in reports: the count above
   * is that of direct convolution, whatever algorithm a backend runs.
   */
  static final String EFFECTIVE = "effective GFLOP/s: direct-convolution FLOPs (the formula) "
      + "/ median time; Winograd F(2x2,3x3) (reference with convolution=winograd, its default) "
      + "does 2.25x fewer multiply-adds in 3x3 convolutions, so its effective GFLOP/s can "
      + "exceed the FMA peak: a speed figure, not the share of the peak the hardware does "
      + "(that is the GEMM kernel probe's % of peak)";

  private Flops() {}

  /** Forward FLOPs of one batch of {@code batch} sequences of {@code frames} frames. */
  static double forward(ModelSpec spec, int batch, int frames, FrameShape input) {
    double total = 0;
    int h = input.height();
    int w = input.width();
    int cin = input.channels();
    int t = frames;
    for (ConvLstmLayerSpec l : spec.convLstmLayers()) {
      int ho = l.padding().outputSize(h, l.kernelHeight());
      int wo = l.padding().outputSize(w, l.kernelWidth());
      int f = l.filters();
      double perStep = 2.0 * batch * ho * wo
          * ((double) l.kernelHeight() * l.kernelWidth() * cin
              + (double) l.recurrentKernelHeight() * l.recurrentKernelWidth() * f)
          * 4 * f;
      total += perStep * t;
      h = ho;
      w = wo;
      cin = f;
      t = l.returnSequences() ? t : 1;
    }
    if (spec.head().isPresent()) {
      Conv3dHeadSpec head = spec.head().get();
      FrameShape out = spec.outputFrameShape(input);
      int tOut = spec.outputFrames(frames);
      total += 2.0 * batch * tOut * out.height() * out.width() * head.kernelTime()
          * head.kernelHeight() * head.kernelWidth() * cin * head.filters();
    }
    return total;
  }

  /** Forward FLOPs of a bench model's batch. */
  static double forward(BenchModel m) {
    return forward(m.spec(), m.batch(), m.frames(), m.frameShape());
  }

  /** Training-step FLOPs of a bench model's batch: 3 × forward. */
  static double trainingStep(BenchModel m) {
    return 3 * forward(m);
  }
}
