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
 * Inference through a model with frame-wise layers ({@link ModelSpec#inferenceOnlyLayers()}):
 * the core's {@link LayerChainPlan} over channels-last batches {@code [N, T, H, W, C]}. Each
 * recurrent stage runs as a one-layer {@link Network} whose parameters are the model's own
 * (aliased, so {@code setWeights} reaches them); every frame stage runs its
 * {@link FrameKernels} kernel on all N·T frames.
 */
final class LayerChain implements AutoCloseable {

  /** One step of the chain. */
  private interface Stage extends AutoCloseable {
    PackedBatch run(PackedBatch in);

    @Override
    default void close() {}
  }

  private final List<Stage> stages = new ArrayList<>();

  LayerChain(ModelSpec spec, Parameters params, Parallel par, MatMul mm,
      ConvolutionAlgorithm convolution) {
    try {
      for (LayerChainPlan.Stage stage : LayerChainPlan.of(spec)) {
        if (stage instanceof LayerChainPlan.Recurrent) {
          LayerChainPlan.Recurrent r = (LayerChainPlan.Recurrent) stage;
          Map<String, Param> alias = new LinkedHashMap<>();
          r.weightNames().forEach((sub, model) -> alias.put(sub, params.get(model)));
          stages.add(new RecurrentStage(new Network(r.spec(), new Parameters(r.spec(), alias),
              par, mm, convolution)));
        } else {
          LayerChainPlan.Frame f = (LayerChainPlan.Frame) stage;
          stages.add(frameStage(f.layer(), f.name(), params));
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

  private static Stage frameStage(LayerSpec l, String name, Parameters params) {
    String w = name + "/";
    if (l instanceof DenseSpec) {
      DenseSpec d = (DenseSpec) l;
      return in -> {
        FrameShape f = in.frameShape();
        int rows = in.samples() * in.frames() * f.height() * f.width();
        float[] y = FrameKernels.dense(data(in), rows, f.channels(),
            params.get(w + "kernel").value, optional(params, w + "bias"), d.units(),
            d.activation());
        return PackedBatch.adopt(in.samples(), in.frames(),
            new FrameShape(f.height(), f.width(), d.units()), y);
      };
    } else if (l instanceof FlattenSpec) {
      return in -> PackedBatch.adopt(in.samples(), 1,
          new FrameShape(1, 1, in.sampleSize()), data(in));
    } else if (l instanceof Conv2dSpec) {
      Conv2dSpec c = (Conv2dSpec) l;
      return in -> {
        FrameShape f = in.frameShape();
        float[] y = FrameKernels.conv2d(data(in), in.samples() * in.frames(), f, c,
            params.get(w + "kernel").value, optional(params, w + "bias"));
        return PackedBatch.adopt(in.samples(), in.frames(), new FrameShape(
            c.padding().outputSize(f.height(), c.kernelHeight(), c.strideHeight()),
            c.padding().outputSize(f.width(), c.kernelWidth(), c.strideWidth()), c.filters()), y);
      };
    } else if (l instanceof Conv2dTransposeSpec) {
      Conv2dTransposeSpec c = (Conv2dTransposeSpec) l;
      return in -> {
        FrameShape f = in.frameShape();
        float[] y = FrameKernels.conv2dTranspose(data(in), in.samples() * in.frames(), f, c,
            params.get(w + "kernel").value, optional(params, w + "bias"));
        return PackedBatch.adopt(in.samples(), in.frames(), new FrameShape(
            (int) c.outputSize(f.height(), c.kernelHeight(), c.strideHeight()),
            (int) c.outputSize(f.width(), c.kernelWidth(), c.strideWidth()), c.filters()), y);
      };
    } else if (l instanceof MaxPoolingSpec) {
      MaxPoolingSpec m = (MaxPoolingSpec) l;
      return in -> {
        FrameShape f = in.frameShape();
        float[] y = FrameKernels.maxPool(data(in), in.samples() * in.frames(), f, m);
        return PackedBatch.adopt(in.samples(), in.frames(), new FrameShape(
            m.padding().outputSize(f.height(), m.poolHeight(), m.strideHeight()),
            m.padding().outputSize(f.width(), m.poolWidth(), m.strideWidth()),
            f.channels()), y);
      };
    } else if (l instanceof LayerNormSpec) {
      LayerNormSpec n = (LayerNormSpec) l;
      return in -> same(in, FrameKernels.layerNorm(data(in), rows(in),
          in.frameShape().channels(), n.epsilon(), optional(params, w + "gamma"),
          optional(params, w + "beta")));
    } else if (l instanceof BatchNormSpec) {
      BatchNormSpec n = (BatchNormSpec) l;
      return in -> same(in, FrameKernels.batchNorm(data(in), rows(in),
          in.frameShape().channels(), n.epsilon(), params.get(w + "gamma").value,
          params.get(w + "beta").value, params.get(w + "moving_mean").value,
          params.get(w + "moving_variance").value));
    } else if (l instanceof SoftmaxSpec) {
      return in -> same(in, FrameKernels.softmax(data(in), rows(in),
          in.frameShape().channels()));
    } else if (l instanceof ActivationSpec) {
      ActivationSpec a = (ActivationSpec) l;
      return in -> same(in, FrameKernels.activation(data(in), a.activation()));
    }
    throw new IllegalArgumentException("no reference kernel for layer '" + name + "' ("
        + l.kind() + ")");
  }

  private static int rows(PackedBatch b) {
    return b.samples() * b.frames() * b.frameShape().height() * b.frameShape().width();
  }

  private static PackedBatch same(PackedBatch in, float[] y) {
    return PackedBatch.adopt(in.samples(), in.frames(), in.frameShape(), y);
  }
}
