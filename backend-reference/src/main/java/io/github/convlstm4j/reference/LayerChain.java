package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.ActivationSpec;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv2dSpec;
import io.github.convlstm4j.api.Conv2dTransposeSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.DenseSpec;
import io.github.convlstm4j.api.FlattenSpec;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.LayerNormSpec;
import io.github.convlstm4j.api.LayerSpec;
import io.github.convlstm4j.api.MaxPoolingSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.SequenceShape;
import io.github.convlstm4j.api.SoftmaxSpec;
import io.github.convlstm4j.reference.kernel.MatMul;
import io.github.convlstm4j.spi.PackedBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inference through a model with frame-wise layers ({@link ModelSpec#inferenceOnlyLayers()}):
 * a chain of stages over channels-last batches {@code [N, T, H, W, C]}. Each ConvLSTM layer,
 * with the batch normalization and Conv3D head that directly follow it, runs as a one-layer
 * {@link Network} whose parameters are the model's own (aliased, so {@code setWeights} reaches
 * them); every other layer runs its {@link FrameKernels} kernel on all N·T frames.
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
    List<LayerSpec> layers = spec.layers();
    int channels = spec.inputChannels();
    int i = 0;
    try {
      while (i < layers.size()) {
        LayerSpec l = layers.get(i);
        if (l instanceof ConvLstmLayerSpec) {
          ModelSpec.Builder b = ModelSpec.builder(channels).addLayer(l);
          int end = i + 1;
          while (end < layers.size() && (layers.get(end) instanceof BatchNormSpec
              && end == i + 1 || layers.get(end) instanceof Conv3dHeadSpec)) {
            b.addLayer(layers.get(end));
            end++;
          }
          ModelSpec sub = b.build();
          Map<String, Param> alias = new LinkedHashMap<>();
          for (int j = 0; j < sub.layers().size(); j++) {
            String from = sub.layerName(j) + "/";
            String to = spec.layerName(i + j) + "/";
            for (String name : sub.layers().get(j).weightShapes(from.substring(0,
                from.length() - 1), channels).keySet()) {
              alias.put(name, params.get(to + name.substring(from.length())));
            }
          }
          Network net = new Network(sub, new Parameters(sub, alias), par, mm, convolution);
          stages.add(new RecurrentStage(net));
          for (int j = i; j < end; j++) {
            channels = layers.get(j).outputChannels(channels);
          }
          i = end;
        } else {
          String name = spec.layerName(i);
          stages.add(frameStage(l, name, params));
          // a flatten needs the model's fixed input shape (ModelSpec enforces it)
          channels = l instanceof FlattenSpec ? channelsAfter(spec, i) : l.outputChannels(channels);
          i++;
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Output channels of layer {@code index}, walked from the model's fixed input shape. */
  private static int channelsAfter(ModelSpec spec, int index) {
    SequenceShape in = spec.inputShape().orElseThrow();
    return spec.layerOutputShapes(in).get(index).frame().channels();
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
