package io.github.convlstm4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.github.convlstm4j.api.ActivationSpec;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv2dSpec;
import io.github.convlstm4j.api.Conv2dTransposeSpec;
import io.github.convlstm4j.api.DenseSpec;
import io.github.convlstm4j.api.FlattenSpec;
import io.github.convlstm4j.api.LayerNormSpec;
import io.github.convlstm4j.api.LayerSpec;
import io.github.convlstm4j.api.MaxPoolingSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.SoftmaxSpec;
import io.github.convlstm4j.spi.DropoutMasks;
import io.github.convlstm4j.spi.LayerChainPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model with frame-wise layers ({@link ModelSpec#frameLayers()}), the stages of the core's
 * {@link LayerChainPlan}: each recurrent stage runs through a {@link ConvLstmGraph} of its
 * one-layer model whose parameters are the model's own (looked up by name on every call, never
 * copied, so {@code setWeights} reaches them and training leaves stand in for them); every
 * frame stage runs as DJL operations on all N·T frames. Training is the engine's autograd
 * over the same operations (the core refuses to train the inference-only layers); a training
 * pass reports each recurrent stage's batch statistics under the model's weight names.
 *
 * <p>Layout between stages: {@code [N, T, C, H, W]}. The frame-wise operations work on
 * {@code [N·T, C, H, W]}, the engines' NCHW. Weights are in the DJL layouts of
 * {@link KerasLayouts}: conv2d {@code [F, C, kh, kw]} (OIHW), conv2d_transpose
 * {@code [C, F, kh, kw]}, dense {@code [units, C]}.
 *
 * <ul>
 *   <li>SAME padding with strides uses TensorFlow's split ({@link Padding#before(int, int,
 *       int)}): the zeros (for max pooling: −∞, so padded cells never win) are concatenated
 *       explicitly, then the engine's convolution or pooling runs unpadded.
 *   <li>The transposed convolution is computed as a stride-1 cross-correlation of the input
 *       dilated by the stride (zeros between the rows and columns) with the spatially flipped
 *       kernel, padded so that output {@code o} reads the full transposed convolution at
 *       {@code o + before} ({@link Conv2dTransposeSpec#before}): neither engine is needed to
 *       offer a deconvolution (DJL's PyTorch engine does not).
 *   <li>Dense is a 1×1 convolution over the channels of each position.
 * </ul>
 */
final class FrameLayerChain {

  /** One step of the chain, on {@code [N, T, C, H, W]}. */
  private interface Stage {
    NDArray run(NDArray x, Map<String, NDArray> params, boolean training, List<Moving> moving,
        DropoutMasks masks);
  }

  /**
   * A batch normalization's statistics in a training pass, to fold into its moving ones.
   *
   * @param meanName the model's name of its moving mean
   * @param varianceName the model's name of its moving variance
   * @param momentum its momentum
   * @param mean the batch mean {@code [F]}
   * @param variance the batch's biased variance {@code [F]}
   */
  record Moving(String meanName, String varianceName, double momentum, NDArray mean,
      NDArray variance) {}

  private final List<Stage> stages = new ArrayList<>();
  /** The recurrent stages' graphs, their weight-name maps and stage indices, in order. */
  private final List<ConvLstmGraph> graphs = new ArrayList<>();
  private final List<Map<String, String>> aliases = new ArrayList<>();
  private final List<Integer> recurrentStages = new ArrayList<>();

  /**
   * The chain of a model.
   *
   * @param spec a model with frame-wise layers
   * @param inputConvolution the ConvLSTM layers' input-convolution form
   */
  FrameLayerChain(ModelSpec spec, InputConvolution inputConvolution) {
    for (LayerChainPlan.Stage stage : LayerChainPlan.of(spec)) {
      if (stage instanceof LayerChainPlan.Recurrent) {
        LayerChainPlan.Recurrent r = (LayerChainPlan.Recurrent) stage;
        ConvLstmGraph graph = new ConvLstmGraph(r.spec(), inputConvolution);
        graphs.add(graph);
        aliases.add(r.weightNames());
        recurrentStages.add(stages.size());
        stages.add(recurrentStage(graph, r.spec(), r.weightNames(), graphs.size() - 1));
      } else {
        LayerChainPlan.Frame f = (LayerChainPlan.Frame) stage;
        stages.add(frameStage(f.layer(), f.name() + "/"));
      }
    }
  }

  /**
   * Runs the whole chain in inference mode. Intermediates live in the input's manager (the
   * caller's per-call sub-manager) and are closed once the next stage has used them.
   *
   * @param input {@code [N, T, C, H, W]}
   * @param params every parameter by the model's weight name, DJL layouts, attached to the
   *     input's manager for the call
   * @return the output {@code [N, T', C', H', W']}
   */
  NDArray forward(NDArray input, Map<String, NDArray> params) {
    return forward(input, params, false, new ArrayList<>(), DropoutMasks.none());
  }

  /**
   * Runs the whole chain, in training mode under the caller's gradient collector: batch
   * statistics in batch normalization, and arrays closed only by handle (autograd keeps what
   * the backward pass needs).
   *
   * @param input {@code [N, T, C, H, W]}
   * @param params every parameter (or its training leaf) by the model's weight name
   * @param training batch statistics (true) or moving statistics (false)
   * @param moving receives, in training mode, each batch normalization's batch statistics
   * @param masks the batch's dropout masks (training), by the model's ConvLSTM layer index
   * @return the output {@code [N, T', C', H', W']}
   */
  NDArray forward(NDArray input, Map<String, NDArray> params, boolean training,
      List<Moving> moving, DropoutMasks masks) {
    return run(input, params, training, moving, masks, stages.size());
  }

  private NDArray run(NDArray input, Map<String, NDArray> params, boolean training,
      List<Moving> moving, DropoutMasks masks, int stageCount) {
    NDArray x = input;
    for (int k = 0; k < stageCount; k++) {
      NDArray y = stages.get(k).run(x, params, training, moving, masks);
      if (x != input && y != x) {
        x.close();
      }
      x = y;
    }
    return x;
  }

  /**
   * The batch mean and biased variance per channel of ConvLSTM layer {@code layer}'s output
   * (its batch normalization's input) in an inference pass, for batch-norm recalibration.
   *
   * @param input {@code [N, T, C, H, W]}
   * @param params every parameter by the model's weight name
   * @param layer the ConvLSTM layer
   * @return the statistics
   */
  ConvLstmGraph.BatchStats layerStatistics(NDArray input, Map<String, NDArray> params,
      int layer) {
    NDArray x = run(input, params, false, new ArrayList<>(), DropoutMasks.none(),
        recurrentStages.get(layer));
    return graphs.get(layer).layerStatistics(x, own(aliases.get(layer), params), 0);
  }

  private static Map<String, NDArray> own(Map<String, String> alias,
      Map<String, NDArray> params) {
    Map<String, NDArray> own = new LinkedHashMap<>();
    alias.forEach((sub, model) -> own.put(sub, params.get(model)));
    return own;
  }

  private static Stage recurrentStage(ConvLstmGraph graph, ModelSpec sub,
      Map<String, String> alias, int layer) {
    return (x, params, training, moving, masks) -> {
      ConvLstmGraph.Output out = training
          ? graph.forwardTraining(x, own(alias, params), masks, layer)
          : graph.forward(x, own(alias, params), false);
      for (ConvLstmGraph.BatchStats s : out.batchStats()) {
        moving.add(new Moving(alias.get(ModelSpec.batchNormName(s.layer(), "moving_mean")),
            alias.get(ModelSpec.batchNormName(s.layer(), "moving_variance")),
            sub.batchNormAfter(s.layer()).orElseThrow().momentum(), s.mean(), s.variance()));
      }
      NDArray y = out.output();
      if (!graph.outputChannelsBeforeTime()) {
        return y;
      }
      NDArray t = y.transpose(0, 2, 1, 3, 4); // [N, C, T, H, W] -> [N, T, C, H, W]
      if (training) {
        return t; // no copy: a copy may leave the autograd graph; y goes with the manager
      }
      if (t != y) {
        NDArray c = t.duplicate(); // a dense copy, not a strided view of y
        t.close();
        y.close();
        return c;
      }
      return t;
    };
  }

  private static Stage frameStage(LayerSpec l, String w) {
    if (l instanceof DenseSpec) {
      DenseSpec d = (DenseSpec) l;
      return (x, p, training, moving, masks) -> perFrame(x, f -> {
        NDArray k = p.get(w + "kernel");
        try (NDArray k4 = k.reshape(k.getShape().get(0), k.getShape().get(1), 1, 1)) {
          NDArray y = convolution(f, k4, d.useBias() ? p.get(w + "bias") : null, 1, 1);
          return activate(y, d.activation());
        }
      });
    } else if (l instanceof FlattenSpec) {
      return (x, p, training, moving, masks) -> {
        Shape s = x.getShape();
        try (NDArray last = x.transpose(0, 1, 3, 4, 2)) { // channels-last, Keras' order
          return last.reshape(s.get(0), 1, s.size() / s.get(0), 1, 1);
        }
      };
    } else if (l instanceof Conv2dSpec) {
      Conv2dSpec c = (Conv2dSpec) l;
      return (x, p, training, moving, masks) -> perFrame(x, f -> {
        NDArray padded = padSame(f, c.padding(), c.kernelHeight(), c.kernelWidth(),
            c.strideHeight(), c.strideWidth(), 0f);
        NDArray y = convolution(padded, p.get(w + "kernel"),
            c.useBias() ? p.get(w + "bias") : null, c.strideHeight(), c.strideWidth());
        if (padded != f) {
          padded.close();
        }
        return activate(y, c.activation());
      });
    } else if (l instanceof Conv2dTransposeSpec) {
      Conv2dTransposeSpec c = (Conv2dTransposeSpec) l;
      return (x, p, training, moving, masks) -> perFrame(x, f -> activate(transposed(f, c, p.get(w + "kernel"),
          c.useBias() ? p.get(w + "bias") : null), c.activation()));
    } else if (l instanceof MaxPoolingSpec) {
      MaxPoolingSpec m = (MaxPoolingSpec) l;
      return (x, p, training, moving, masks) -> perFrame(x, f -> {
        NDArray padded = padSame(f, m.padding(), m.poolHeight(), m.poolWidth(),
            m.strideHeight(), m.strideWidth(), Float.NEGATIVE_INFINITY);
        NDArray y = padded.getNDArrayInternal().maxPool(new Shape(m.poolHeight(),
            m.poolWidth()), new Shape(m.strideHeight(), m.strideWidth()), new Shape(0, 0), false);
        if (padded != f) {
          padded.close();
        }
        return y;
      });
    } else if (l instanceof LayerNormSpec) {
      LayerNormSpec n = (LayerNormSpec) l;
      return (x, p, training, moving, masks) -> {
        NDList temps = new NDList();
        NDArray mean = keep(temps, x.mean(new int[] {2}, true));
        NDArray centered = keep(temps, x.sub(mean));
        NDArray squares = keep(temps, centered.square());
        NDArray variance = keep(temps, squares.mean(new int[] {2}, true));
        NDArray root = keep(temps, keep(temps, variance.add((float) n.epsilon())).sqrt());
        NDArray y = centered.div(root);
        if (n.scale()) {
          y = keep(temps, y).mul(keep(temps, channelVector(p.get(w + "gamma"))));
        }
        if (n.center()) {
          y = keep(temps, y).add(keep(temps, channelVector(p.get(w + "beta"))));
        }
        temps.close();
        return y;
      };
    } else if (l instanceof BatchNormSpec) {
      BatchNormSpec n = (BatchNormSpec) l;
      return (x, p, training, moving, masks) -> {
        NDList temps = new NDList();
        NDArray variance = keep(temps, channelVector(p.get(w + "moving_variance")));
        NDArray root = keep(temps, keep(temps, variance.add((float) n.epsilon())).sqrt());
        NDArray mean = keep(temps, channelVector(p.get(w + "moving_mean")));
        NDArray centered = keep(temps, x.sub(mean));
        NDArray scaled = keep(temps, keep(temps, centered.div(root))
            .mul(keep(temps, channelVector(p.get(w + "gamma")))));
        NDArray y = scaled.add(keep(temps, channelVector(p.get(w + "beta"))));
        temps.close();
        return y;
      };
    } else if (l instanceof SoftmaxSpec) {
      return (x, p, training, moving, masks) -> x.softmax(2);
    } else if (l instanceof ActivationSpec) {
      ActivationSpec a = (ActivationSpec) l;
      return (x, p, training, moving, masks) -> activate(x, a.activation());
    }
    throw new IllegalArgumentException("no DJL kernel for layer '" + w.substring(0,
        w.length() - 1) + "' (" + l.kind() + ")");
  }

  /** A per-frame operation on {@code [N·T, C, H, W]}. */
  private interface FrameOp {
    NDArray apply(NDArray frames);
  }

  /** Applies {@code op} to every frame of {@code [N, T, C, H, W]}. */
  private static NDArray perFrame(NDArray x, FrameOp op) {
    Shape s = x.getShape();
    long n = s.get(0);
    long t = s.get(1);
    try (NDArray frames = x.reshape(n * t, s.get(2), s.get(3), s.get(4))) {
      NDArray y = op.apply(frames);
      Shape o = y.getShape();
      NDArray r = y.reshape(n, t, o.get(1), o.get(2), o.get(3));
      if (r != y) {
        y.close();
      }
      return r;
    }
  }

  /** A per-channel vector {@code [C]} shaped {@code [1, 1, C, 1, 1]} to broadcast. */
  private static NDArray channelVector(NDArray v) {
    return v.reshape(1, 1, v.getShape().get(0), 1, 1);
  }

  private static NDArray activate(NDArray y, io.github.convlstm4j.api.Activation a) {
    if (a == io.github.convlstm4j.api.Activation.LINEAR) {
      return y;
    }
    NDArray r = ConvLstmGraph.activate(y, a);
    if (r != y) {
      y.close();
    }
    return r;
  }

  /** An unpadded strided cross-correlation of {@code [M, C, H, W]} with OIHW {@code kernel}. */
  private static NDArray convolution(NDArray x, NDArray kernel, NDArray bias, int sh, int sw) {
    return x.getNDArrayInternal().convolution(x, kernel, bias, new Shape(sh, sw),
        new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow();
  }

  /**
   * {@code [M, C, H, W]} padded with {@code value} as TensorFlow pads a strided window
   * ({@link Padding#before(int, int, int)} before, the rest of the total after); VALID and
   * zero padding return the input itself (not a copy: a copy may leave the autograd graph).
   */
  private static NDArray padSame(NDArray x, Padding padding, int kh, int kw, int sh, int sw,
      float value) {
    Shape s = x.getShape();
    int h = Math.toIntExact(s.get(2));
    int w = Math.toIntExact(s.get(3));
    int top = padding.before(h, kh, sh);
    int left = padding.before(w, kw, sw);
    int bottom = padding == Padding.SAME
        ? Math.max((padding.outputSize(h, kh, sh) - 1) * sh + kh - h, 0) - top : 0;
    int right = padding == Padding.SAME
        ? Math.max((padding.outputSize(w, kw, sw) - 1) * sw + kw - w, 0) - left : 0;
    NDArray rows = padAxis(x, 2, top, bottom, value);
    NDArray both = padAxis(rows, 3, left, right, value);
    if (rows != x && rows != both) {
      rows.close();
    }
    return both;
  }

  /** Adds {@code before} and {@code after} cells of {@code value} along one axis. */
  private static NDArray padAxis(NDArray x, int axis, int before, int after, float value) {
    if (before == 0 && after == 0) {
      return x;
    }
    NDList parts = new NDList();
    if (before > 0) {
      parts.add(fill(x, axis, before, value));
    }
    parts.add(x);
    if (after > 0) {
      parts.add(fill(x, axis, after, value));
    }
    NDArray r = NDArrays.concat(parts, axis);
    for (NDArray part : parts) {
      if (part != x) {
        part.close();
      }
    }
    return r;
  }

  private static NDArray fill(NDArray like, int axis, int size, float value) {
    long[] dims = like.getShape().getShape().clone(); // not the cached shape itself (MXNet)
    dims[axis] = size;
    return value == 0f ? like.getManager().zeros(new Shape(dims), like.getDataType())
        : like.getManager().full(new Shape(dims), value, like.getDataType());
  }

  /**
   * The transposed convolution of {@code [M, C, H, W]} with a kernel {@code [C, F, kh, kw]}:
   * the input dilated by the strides (each row followed by {@code sh - 1} zero rows, each
   * column by {@code sw - 1} zero columns, so an axis of n cells becomes n·s), padded by
   * {@code k - 1 - before} before and {@code outputSize + before - n·s} after, cross-correlated
   * with the kernel flipped in space and transposed to {@code [F, C, kh, kw]}: output
   * {@code o} then sums {@code x[i]·W[k]} over {@code i·s + k = o + before}, the definition.
   */
  private static NDArray transposed(NDArray x, Conv2dTransposeSpec c, NDArray kernel,
      NDArray bias) {
    Shape s = x.getShape();
    int h = Math.toIntExact(s.get(2));
    int w = Math.toIntExact(s.get(3));
    int kh = c.kernelHeight();
    int kw = c.kernelWidth();
    int sh = c.strideHeight();
    int sw = c.strideWidth();
    int top = c.before(kh, sh);
    int left = c.before(kw, sw);
    int ho = Math.toIntExact(c.outputSize(h, kh, sh));
    int wo = Math.toIntExact(c.outputSize(w, kw, sw));
    NDList temps = new NDList();
    NDArray d = keep(temps, dilate(x, 2, sh, temps));
    d = keep(temps, dilate(d, 3, sw, temps));
    d = keep(temps, padAxis(d, 2, kh - 1 - top, ho + top - h * sh, 0f));
    d = keep(temps, padAxis(d, 3, kw - 1 - left, wo + left - w * sw, 0f));
    NDArray k = keep(temps, keep(temps, kernel.transpose(1, 0, 2, 3)).flip(2, 3));
    NDArray y = convolution(d, k, bias, 1, 1);
    temps.removeIf(t -> t == x);
    temps.close();
    return y;
  }

  /**
   * Adds {@code a} to the arrays closed at the end of a stage (once: several of the helpers
   * return their input unchanged) and returns it.
   */
  private static NDArray keep(NDList temps, NDArray a) {
    for (NDArray t : temps) {
      if (t == a) {
        return a;
      }
    }
    temps.add(a);
    return a;
  }

  /** Follows each cell of {@code axis} (2 or 3 of a 4-D array) with {@code s - 1} zeros. */
  private static NDArray dilate(NDArray x, int axis, int s, NDList temps) {
    if (s == 1) {
      return x;
    }
    long[] dims = x.getShape().getShape();
    long[] split = new long[dims.length + 1];
    for (int a = 0, b = 0; a < dims.length; a++) {
      split[b++] = dims[a];
      if (a == axis) {
        split[b++] = 1;
      }
    }
    NDArray expanded = keep(temps, x.reshape(new Shape(split)));
    long[] zeros = split.clone();
    zeros[axis + 1] = s - 1;
    NDArray joined = keep(temps, NDArrays.concat(new NDList(expanded,
        keep(temps, x.getManager().zeros(new Shape(zeros), x.getDataType()))), axis + 1));
    dims[axis] *= s;
    return joined.reshape(new Shape(dims));
  }
}
