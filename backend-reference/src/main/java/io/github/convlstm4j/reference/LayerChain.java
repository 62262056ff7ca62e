package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.ActivationSpec;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv2dSpec;
import io.github.convlstm4j.api.Conv2dTransposeSpec;
import io.github.convlstm4j.api.DenseSpec;
import io.github.convlstm4j.api.FlattenSpec;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.LayerNormSpec;
import io.github.convlstm4j.api.LayerSpec;
import io.github.convlstm4j.api.MaxPoolingSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.SoftmaxSpec;
import io.github.convlstm4j.reference.kernel.MatMul;
import io.github.convlstm4j.spi.LayerChainPlan;
import io.github.convlstm4j.spi.PackedBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model with frame-wise layers ({@link ModelSpec#frameLayers()}): the core's
 * {@link LayerChainPlan} over channels-last batches {@code [N, T, H, W, C]}. Each recurrent
 * stage runs as a one-layer {@link Network} whose parameters are the model's own (aliased, so
 * {@code setWeights} reaches them and the optimizer updates them); every frame stage runs its
 * {@link FrameKernels} kernel on all N·T frames.
 *
 * <p>Training: {@link #trainingForward} runs every stage in training mode (recurrent stages
 * keep their caches, frame stages their input and output); {@link #backward} then hands the
 * output gradient from stage to stage, last to first, each writing its parameters' gradients
 * and passing on its input gradient ({@link Network#backwardFromOutput} for the recurrent
 * stages). Layers that are not {@link io.github.convlstm4j.api.LayerSpec#trainable()} have no
 * backward pass; the core refuses to train such a model before it gets here.
 */
final class LayerChain implements AutoCloseable {

  /** One step of the chain. */
  private interface Stage extends AutoCloseable {
    /** Inference. */
    PackedBatch run(PackedBatch in);

    /** Training-mode forward, keeping what {@link #backward} needs. */
    PackedBatch train(PackedBatch in, boolean updateMovingStatistics);

    /**
     * From the gradient of the last {@link #train}'s output (channels-last, its layout) to its
     * parameters' gradients and, if asked, the input gradient (else null).
     */
    float[] backward(float[] dy, boolean wantInputGradient);

    @Override
    default void close() {}
  }

  private final List<Stage> stages = new ArrayList<>();
  /** The recurrent stages' networks, in order: network k holds ConvLSTM layer k. */
  private final List<Network> networks = new ArrayList<>();

  LayerChain(ModelSpec spec, Parameters params, Parallel par, MatMul mm,
      ConvolutionAlgorithm convolution) {
    try {
      for (LayerChainPlan.Stage stage : LayerChainPlan.of(spec)) {
        if (stage instanceof LayerChainPlan.Recurrent) {
          LayerChainPlan.Recurrent r = (LayerChainPlan.Recurrent) stage;
          Map<String, Param> alias = new LinkedHashMap<>();
          r.weightNames().forEach((sub, model) -> alias.put(sub, params.get(model)));
          Network net = new Network(r.spec(), new Parameters(r.spec(), alias), par, mm,
              convolution);
          networks.add(net);
          stages.add(new RecurrentStage(net));
        } else {
          LayerChainPlan.Frame f = (LayerChainPlan.Frame) stage;
          stages.add(new FrameStage(f.layer(), f.name(), params));
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Runs the whole chain in inference mode. */
  PackedBatch forward(PackedBatch input) {
    PackedBatch x = input;
    for (Stage s : stages) {
      x = s.run(x);
    }
    return x;
  }

  /**
   * Runs the whole chain in training mode (batch statistics in batch normalization), keeping
   * what {@link #backward} needs.
   *
   * @param input the batch
   * @param updateMovingStatistics whether batch norms fold the batch statistics into their
   *     moving ones
   * @return the output
   */
  PackedBatch trainingForward(PackedBatch input, boolean updateMovingStatistics) {
    PackedBatch x = input;
    for (Stage s : stages) {
      x = s.train(x, updateMovingStatistics);
    }
    return x;
  }

  /**
   * Backpropagates a gradient of the last {@link #trainingForward}'s output into every
   * trainable parameter's gradient (overwritten).
   *
   * @param outputGradient channels-last, the output's layout
   * @param wantInputGradient whether to return the input gradient
   * @return the input gradient, channels-last {@code [N, T, H, W, C]}, or null
   */
  float[] backward(float[] outputGradient, boolean wantInputGradient) {
    float[] d = outputGradient;
    for (int k = stages.size() - 1; k >= 0; k--) {
      d = stages.get(k).backward(d, k > 0 || wantInputGradient);
    }
    return d;
  }

  /**
   * The batch mean and biased variance per channel of ConvLSTM layer {@code layer}'s output
   * (its batch normalization's input) in an inference pass, for batch-norm recalibration.
   */
  double[][] layerStatistics(PackedBatch input, int layer) {
    PackedBatch x = input;
    int seen = 0;
    for (Stage s : stages) {
      if (s instanceof RecurrentStage && seen++ == layer) {
        Network net = ((RecurrentStage) s).net;
        net.loadInput(x);
        net.forward(Network.Mode.INFERENCE, false, 0, false);
        int f = net.outputFrameSize() / (net.outputHeight() * net.outputWidth());
        double[] mean = new double[f];
        double[] var = new double[f];
        net.outputStatistics(0, mean, var);
        return new double[][] {mean, var};
      }
      x = s.run(x);
    }
    throw new IllegalArgumentException("no ConvLSTM layer " + layer + ", got " + seen);
  }

  /**
   * Sets the dropout masks of the next training pass, per ConvLSTM layer of the model (see
   * {@link Network#dropout}); nulls clear them.
   */
  void dropout(float[][][] input, float[][][] recurrent) {
    for (int k = 0; k < networks.size(); k++) {
      networks.get(k).dropout(input == null ? null : new float[][][] {input[k]},
          recurrent == null ? null : new float[][][] {recurrent[k]});
    }
  }

  /** Bytes held in the recurrent stages' reusable buffers. */
  long arenaBytes() {
    long b = 0;
    for (Network n : networks) {
      b += n.arenaBytes();
    }
    return b;
  }

  @Override
  public void close() {
    for (Stage s : stages) {
      s.close();
    }
  }

  private static final class RecurrentStage implements Stage {
    private final Network net;

    RecurrentStage(Network net) {
      this.net = net;
    }

    @Override
    public PackedBatch run(PackedBatch in) {
      net.loadInput(in);
      net.forward(Network.Mode.INFERENCE, false);
      return net.outputBatch();
    }

    private int samples;
    private int frames;
    private int inFrameSize;

    @Override
    public PackedBatch train(PackedBatch in, boolean updateMovingStatistics) {
      net.loadInput(in);
      net.forward(Network.Mode.TRAINING, updateMovingStatistics);
      samples = in.samples();
      frames = in.frames();
      inFrameSize = in.frameShape().size();
      return net.outputBatch();
    }

    @Override
    public float[] backward(float[] dy, boolean wantInputGradient) {
      int n = samples;
      int tOut = net.outputFrames();
      int fo = net.outputFrameSize();
      float[] timeMajor = net.scratch("chainGradient", (long) n * tOut * fo);
      for (int b = 0; b < n; b++) {
        for (int t = 0; t < tOut; t++) {
          System.arraycopy(dy, (b * tOut + t) * fo, timeMajor, (t * n + b) * fo, fo);
        }
      }
      net.backwardFromOutput(timeMajor, wantInputGradient);
      if (!wantInputGradient) {
        return null;
      }
      float[] g = net.inputGradient();
      int fs = inFrameSize;
      float[] dx = new float[n * frames * fs];
      for (int b = 0; b < n; b++) {
        for (int t = 0; t < frames; t++) {
          System.arraycopy(g, (t * n + b) * fs, dx, (b * frames + t) * fs, fs);
        }
      }
      return dx;
    }

    @Override
    public void close() {
      net.close();
    }
  }

  private static float[] data(PackedBatch b) {
    float[] x = new float[b.size()];
    b.copyTo(x, 0);
    return x;
  }

  private static float[] optional(Parameters params, String name) {
    Param p = params.find(name);
    return p == null ? null : p.value;
  }

  /** A frame-wise layer; keeps its last training input and output for the backward pass. */
  private static final class FrameStage implements Stage {
    private final LayerSpec layer;
    private final String name;
    private final String w;
    private final Parameters params;
    private PackedBatch lastIn;
    private PackedBatch lastOut;

    FrameStage(LayerSpec layer, String name, Parameters params) {
      this.layer = layer;
      this.name = name;
      this.w = name + "/";
      this.params = params;
      if (!(layer instanceof DenseSpec || layer instanceof FlattenSpec
          || layer instanceof Conv2dSpec || layer instanceof Conv2dTransposeSpec
          || layer instanceof MaxPoolingSpec || layer instanceof LayerNormSpec
          || layer instanceof BatchNormSpec || layer instanceof SoftmaxSpec
          || layer instanceof ActivationSpec)) {
        throw new IllegalArgumentException("no reference kernel for layer '" + name + "' ("
            + layer.kind() + ")");
      }
    }

    @Override
    public PackedBatch train(PackedBatch in, boolean updateMovingStatistics) {
      if (!layer.trainable()) {
        throw new IllegalStateException("layer '" + name + "' (" + layer.kind()
            + ") cannot be trained");
      }
      lastIn = in;
      lastOut = run(in);
      return lastOut;
    }

    @Override
    public float[] backward(float[] dy, boolean wantInputGradient) {
      PackedBatch in = lastIn;
      FrameShape f = in.frameShape();
      int frames = in.samples() * in.frames();
      float[] dx;
      if (layer instanceof DenseSpec) {
        DenseSpec d = (DenseSpec) layer;
        dx = FrameKernels.denseBackward(data(in), data(lastOut), dy, rows(in), f.channels(),
            params.get(w + "kernel").value, d.units(), d.activation(),
            params.get(w + "kernel").grad, gradient(params, w + "bias"));
      } else if (layer instanceof FlattenSpec) {
        dx = dy.clone(); // the same values in the same order
      } else if (layer instanceof Conv2dSpec) {
        dx = FrameKernels.conv2dBackward(data(in), data(lastOut), dy, frames, f,
            (Conv2dSpec) layer, params.get(w + "kernel").value, params.get(w + "kernel").grad,
            gradient(params, w + "bias"));
      } else if (layer instanceof MaxPoolingSpec) {
        dx = FrameKernels.maxPoolBackward(data(in), dy, frames, f, (MaxPoolingSpec) layer);
      } else if (layer instanceof SoftmaxSpec) {
        dx = FrameKernels.softmaxBackward(data(lastOut), dy, rows(in), f.channels());
      } else if (layer instanceof ActivationSpec) {
        dx = FrameKernels.activationBackward(data(lastOut), dy,
            ((ActivationSpec) layer).activation());
      } else {
        throw new IllegalStateException("layer '" + name + "' (" + layer.kind()
            + ") has no backward pass");
      }
      return wantInputGradient ? dx : null;
    }

    @Override
    public PackedBatch run(PackedBatch in) {
      LayerSpec l = layer;
      if (l instanceof DenseSpec) {
        DenseSpec d = (DenseSpec) l;
        FrameShape f = in.frameShape();
        float[] y = FrameKernels.dense(data(in), rows(in), f.channels(),
            params.get(w + "kernel").value, optional(params, w + "bias"), d.units(),
            d.activation());
        return PackedBatch.adopt(in.samples(), in.frames(),
            new FrameShape(f.height(), f.width(), d.units()), y);
      } else if (l instanceof FlattenSpec) {
        return PackedBatch.adopt(in.samples(), 1,
            new FrameShape(1, 1, in.sampleSize()), data(in));
      } else if (l instanceof Conv2dSpec) {
        Conv2dSpec c = (Conv2dSpec) l;
        FrameShape f = in.frameShape();
        float[] y = FrameKernels.conv2d(data(in), in.samples() * in.frames(), f, c,
            params.get(w + "kernel").value, optional(params, w + "bias"));
        return PackedBatch.adopt(in.samples(), in.frames(), new FrameShape(
            c.padding().outputSize(f.height(), c.kernelHeight(), c.strideHeight()),
            c.padding().outputSize(f.width(), c.kernelWidth(), c.strideWidth()), c.filters()), y);
      } else if (l instanceof Conv2dTransposeSpec) {
        Conv2dTransposeSpec c = (Conv2dTransposeSpec) l;
        FrameShape f = in.frameShape();
        float[] y = FrameKernels.conv2dTranspose(data(in), in.samples() * in.frames(), f, c,
            params.get(w + "kernel").value, optional(params, w + "bias"));
        return PackedBatch.adopt(in.samples(), in.frames(), new FrameShape(
            (int) c.outputSize(f.height(), c.kernelHeight(), c.strideHeight()),
            (int) c.outputSize(f.width(), c.kernelWidth(), c.strideWidth()), c.filters()), y);
      } else if (l instanceof MaxPoolingSpec) {
        MaxPoolingSpec m = (MaxPoolingSpec) l;
        FrameShape f = in.frameShape();
        float[] y = FrameKernels.maxPool(data(in), in.samples() * in.frames(), f, m);
        return PackedBatch.adopt(in.samples(), in.frames(), new FrameShape(
            m.padding().outputSize(f.height(), m.poolHeight(), m.strideHeight()),
            m.padding().outputSize(f.width(), m.poolWidth(), m.strideWidth()),
            f.channels()), y);
      } else if (l instanceof LayerNormSpec) {
        LayerNormSpec n = (LayerNormSpec) l;
        return same(in, FrameKernels.layerNorm(data(in), rows(in),
            in.frameShape().channels(), n.epsilon(), optional(params, w + "gamma"),
            optional(params, w + "beta")));
      } else if (l instanceof BatchNormSpec) {
        BatchNormSpec n = (BatchNormSpec) l;
        return same(in, FrameKernels.batchNorm(data(in), rows(in),
            in.frameShape().channels(), n.epsilon(), params.get(w + "gamma").value,
            params.get(w + "beta").value, params.get(w + "moving_mean").value,
            params.get(w + "moving_variance").value));
      } else if (l instanceof SoftmaxSpec) {
        return same(in, FrameKernels.softmax(data(in), rows(in),
            in.frameShape().channels()));
      } else if (l instanceof ActivationSpec) {
        ActivationSpec a = (ActivationSpec) l;
        return same(in, FrameKernels.activation(data(in), a.activation()));
      }
      throw new AssertionError(l.kind());
    }
  }

  private static float[] gradient(Parameters params, String name) {
    Param p = params.find(name);
    return p == null ? null : p.grad;
  }

  private static int rows(PackedBatch b) {
    return b.samples() * b.frames() * b.frameShape().height() * b.frameShape().width();
  }

  private static PackedBatch same(PackedBatch in, float[] y) {
    return PackedBatch.adopt(in.samples(), in.frames(), in.frameShape(), y);
  }
}
