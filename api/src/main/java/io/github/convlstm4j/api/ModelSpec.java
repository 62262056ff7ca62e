package io.github.convlstm4j.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The architecture of a ConvLSTM model: an ordered list of {@link LayerSpec}s, one record per
 * layer kind, and the seed of the weight initializers.
 *
 * <p>The layers a model may stack today: one or more {@link ConvLstmLayerSpec}s, each
 * optionally followed by one {@link BatchNormSpec}, then optionally one {@link Conv3dHeadSpec}
 * as the last layer. A ConvLSTM layer that feeds another layer must return sequences. A
 * {@link SpaceToDepthSpec} may only be the first layer and a {@link DepthToSpaceSpec} only the
 * last (after the head, if any): the forecaster core applies them around {@link #coreSpec()}.
 * With {@link Builder#encoderForecaster} the ConvLSTM layers are the encoder of Shi et al.
 * 2015's encoder–forecaster ({@link EncoderForecasterSpec}), which predicts K frames.
 *
 * <p>Immutable; build with {@link #builder(int)}. Weight names and layouts are Keras' (see
 * {@link #weightShapes()}).
 */
public final class ModelSpec {

  /** The format marker written by {@link #toProperties()}. */
  static final String FORMAT = "convlstm4j-spec-2";
  /** The format of specs written before layers were data (still read). */
  static final String FORMAT_1 = "convlstm4j-spec-1";

  private final int inputChannels;
  private final List<LayerSpec> layers;
  private final List<LayerSpec.Position> positions;
  private final List<ConvLstmLayerSpec> convLstmLayers;
  private final List<BatchNormSpec> batchNormAfter;
  private final List<Integer> inferenceOnly;
  private final List<Integer> frameWise;
  private final Conv3dHeadSpec head;
  private final boolean flattens;
  private final SequenceShape inputShape;
  private final long seed;
  /** This spec without its patch layers, or null when it has none. */
  private final ModelSpec core;
  /** The encoder–forecaster setting, or null for a stacked model. */
  private final EncoderForecasterSpec encoderForecaster;

  private ModelSpec(int inputChannels, List<LayerSpec> layers, long seed,
      SequenceShape inputShape, EncoderForecasterSpec encoderForecaster) {
    this.inputChannels = inputChannels;
    this.encoderForecaster = encoderForecaster;
    this.layers = List.copyOf(layers);
    this.seed = seed;
    this.inputShape = inputShape;
    List<ConvLstmLayerSpec> conv = new ArrayList<>();
    List<BatchNormSpec> bn = new ArrayList<>();
    List<LayerSpec.Position> at = new ArrayList<>();
    List<Integer> untrainable = new ArrayList<>();
    List<Integer> frame = new ArrayList<>();
    Map<String, Integer> kinds = new LinkedHashMap<>();
    Conv3dHeadSpec h = null;
    boolean flat = false;
    int lastNonSequence = -1;
    for (int i = 0; i < this.layers.size(); i++) {
      LayerSpec l = this.layers.get(i);
      LayerSpec prev = i == 0 ? null : this.layers.get(i - 1);
      at.add(new LayerSpec.Position(i, conv.size(), kinds.getOrDefault(l.kind(), 0),
          prev == null ? "" : prev.kind()));
      kinds.merge(l.kind(), 1, Integer::sum);
      if (l instanceof SpaceToDepthSpec && i != 0) {
        throw new IllegalArgumentException("space_to_depth must be the first layer (the core "
            + "applies it to the input), got it at layer " + i);
      }
      if (l instanceof DepthToSpaceSpec && i != this.layers.size() - 1) {
        throw new IllegalArgumentException("depth_to_space must be the last layer (the core "
            + "applies it to the output), got it at layer " + i + " of "
            + this.layers.size());
      }
      if (h != null && !(l instanceof DepthToSpaceSpec)) {
        throw new IllegalArgumentException("the Conv3D head must be the last layer, got "
            + l.kind() + " at layer " + i + " after it");
      }
      boolean trainable = l.trainable();
      if (l instanceof ConvLstmLayerSpec) {
        if (lastNonSequence >= 0) {
          throw new IllegalArgumentException("layer " + lastNonSequence + " (conv_lstm2d) feeds "
              + "layer " + i + " (conv_lstm2d) so returnSequences must be true, got false");
        }
        ConvLstmLayerSpec c = (ConvLstmLayerSpec) l;
        if (!c.returnSequences()) {
          lastNonSequence = i;
        }
        conv.add(c);
        bn.add(null);
      } else if (l instanceof BatchNormSpec) {
        if (prev == null) {
          throw new IllegalArgumentException("layer 0 (batch_normalization) must follow "
              + "another layer, got none");
        }
        if (prev instanceof ConvLstmLayerSpec) {
          bn.set(bn.size() - 1, (BatchNormSpec) l);
        } else {
          trainable = false;
          frame.add(i);
        }
      } else if (l instanceof Conv3dHeadSpec) {
        boolean afterConv = prev instanceof ConvLstmLayerSpec
            || prev instanceof BatchNormSpec && !untrainable.contains(i - 1)
            && i >= 2 && this.layers.get(i - 2) instanceof ConvLstmLayerSpec;
        if (!afterConv) {
          throw new IllegalArgumentException("layer " + i + " (conv3d) must follow a conv_lstm2d "
              + "layer or its batch normalization, got "
              + (prev == null ? "none" : prev.kind()));
        }
        h = (Conv3dHeadSpec) l;
      } else if (l instanceof FlattenSpec) {
        flat = true;
      }
      if (!(l instanceof ConvLstmLayerSpec || l instanceof BatchNormSpec
          || l instanceof Conv3dHeadSpec || l instanceof SpaceToDepthSpec
          || l instanceof DepthToSpaceSpec)) {
        frame.add(i);
      }
      if (!trainable) {
        untrainable.add(i);
      }
    }
    if (conv.isEmpty()) {
      throw new IllegalArgumentException("a model needs at least 1 conv_lstm2d layer, got 0");
    }
    this.positions = List.copyOf(at);
    this.convLstmLayers = List.copyOf(conv);
    this.batchNormAfter = Collections.unmodifiableList(bn);
    this.inferenceOnly = List.copyOf(untrainable);
    this.frameWise = List.copyOf(frame);
    this.head = h;
    this.flattens = flat;
    if (encoderForecaster != null) {
      checkEncoder(this.layers);
    }
    this.core = coreOf(inputChannels, this.layers, seed, inputShape, encoderForecaster);
    if (inputShape != null) {
      if (inputShape.frame().channels() != inputChannels) {
        throw new IllegalArgumentException("the input shape's channels must be " + inputChannels
            + ", got " + inputShape.frame().channels());
      }
      outputShape(inputShape);
    } else if (flat) {
      int i = 0;
      while (!(this.layers.get(i) instanceof FlattenSpec)) {
        i++;
      }
      throw new IllegalArgumentException("layer " + i + " (flatten) needs a fixed input shape "
          + "(Builder.inputShape(frames, height, width)), got none");
    }
  }

  /**
   * The spec without a leading {@link SpaceToDepthSpec} and a trailing {@link DepthToSpaceSpec},
   * or null without either.
   */
  private static ModelSpec coreOf(int inputChannels, List<LayerSpec> layers, long seed,
      SequenceShape inputShape, EncoderForecasterSpec encoderForecaster) {
    int from = 0;
    int to = layers.size();
    int channels = inputChannels;
    SequenceShape shape = inputShape;
    if (layers.get(0) instanceof SpaceToDepthSpec) {
      SpaceToDepthSpec s = (SpaceToDepthSpec) layers.get(0);
      channels = s.outputChannels(inputChannels);
      if (shape != null) {
        shape = s.outputShape(shape, new LayerSpec.Position(0, 0, 0, ""));
      }
      from = 1;
    }
    if (layers.get(to - 1) instanceof DepthToSpaceSpec) {
      to--;
    }
    if (from == 0 && to == layers.size()) {
      return null;
    }
    if (from >= to) {
      throw new IllegalArgumentException("a model needs at least 1 conv_lstm2d layer between "
          + "its patch layers, got none");
    }
    try {
      return new ModelSpec(channels, layers.subList(from, to), seed, shape, encoderForecaster);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("without its patch layers: " + e.getMessage(), e);
    }
  }

  /**
   * The model the backends run: this spec without a leading {@link SpaceToDepthSpec} and a
   * trailing {@link DepthToSpaceSpec}, reading {@code p²C} input channels (and the patched input
   * shape, if fixed). Patch layers are permutations without weights, so the forecaster core
   * applies them to the batches around this core (space-to-depth to the inputs, depth-to-space
   * to the outputs and its inverse to the targets) and every backend trains them. Both specs
   * have the same weights (names and shapes) and seed.
   *
   * @return the core, this spec itself when it has no patch layers
   */
  public ModelSpec coreSpec() {
    return core == null ? this : core;
  }

  /**
   * The leading space-to-depth layer, if any.
   *
   * @return the layer
   */
  public Optional<SpaceToDepthSpec> inputPatches() {
    return layers.get(0) instanceof SpaceToDepthSpec
        ? Optional.of((SpaceToDepthSpec) layers.get(0)) : Optional.empty();
  }

  /**
   * The trailing depth-to-space layer, if any.
   *
   * @return the layer
   */
  public Optional<DepthToSpaceSpec> outputPatches() {
    LayerSpec last = layers.get(layers.size() - 1);
    return last instanceof DepthToSpaceSpec
        ? Optional.of((DepthToSpaceSpec) last) : Optional.empty();
  }

  /**
   * Starts a builder.
   *
   * @param inputChannels channels of the input frames, at least 1
   * @return a builder with no layers and seed 0
   * @throws IllegalArgumentException if {@code inputChannels} is not positive
   */
  public static Builder builder(int inputChannels) {
    return new Builder(inputChannels);
  }

  /**
   * Channels of the input frames.
   *
   * @return C_in
   */
  public int inputChannels() {
    return inputChannels;
  }

  /**
   * Every layer, in order.
   *
   * @return an unmodifiable list, never empty
   */
  public List<LayerSpec> layers() {
    return layers;
  }

  /**
   * The ConvLSTM layers, in order; "ConvLSTM layer i" elsewhere indexes this list.
   *
   * @return an unmodifiable list, never empty
   */
  public List<ConvLstmLayerSpec> convLstmLayers() {
    return convLstmLayers;
  }

  /**
   * The batch normalization that follows ConvLSTM layer {@code i}, if any.
   *
   * @param i index into {@link #convLstmLayers()}
   * @return the batch normalization
   */
  public Optional<BatchNormSpec> batchNormAfter(int i) {
    Objects.checkIndex(i, convLstmLayers.size());
    return Optional.ofNullable(batchNormAfter.get(i));
  }

  /**
   * The Conv3D head, if any.
   *
   * @return the head
   */
  public Optional<Conv3dHeadSpec> head() {
    return Optional.ofNullable(head);
  }

  /**
   * The fixed input shape (frames and frame), if the model has one: required when a
   * {@link FlattenSpec} makes weight shapes depend on it; inputs of any other shape are then
   * refused.
   *
   * @return the input shape
   */
  public Optional<SequenceShape> inputShape() {
    return Optional.ofNullable(inputShape);
  }

  /**
   * Indices into {@link #layers()} of the layers no backend trains (see
   * {@link LayerSpec#trainable()}; a batch normalization after a frame-wise layer is one).
   * Such a model predicts but cannot {@code fit}.
   *
   * @return an unmodifiable list, empty for a model every backend trains
   */
  public List<Integer> inferenceOnlyLayers() {
    return inferenceOnly;
  }

  /**
   * Indices into {@link #layers()} of the frame-wise layers: every layer but the ConvLSTM
   * layers, the batch normalization right after one, the Conv3D head and the patch layers.
   * Backends run a model with such layers as the chain of
   * {@link io.github.convlstm4j.spi.LayerChainPlan}; it predicts, evaluates and (when
   * {@link #inferenceOnlyLayers()} is empty) trains, but has no streaming sessions or
   * recurrent states.
   *
   * @return an unmodifiable list, in layer order, empty for a model of the ConvLSTM core alone
   */
  public List<Integer> frameLayers() {
    return frameWise;
  }

  /**
   * A layer's Keras-style name, the prefix of its weights ({@link LayerSpec#name}), for
   * example {@code conv_lstm2d_0} or {@code dense_1}.
   *
   * @param index index into {@link #layers()}
   * @return the name
   */
  public String layerName(int index) {
    Objects.checkIndex(index, layers.size());
    return layers.get(index).name(positions.get(index));
  }

  /**
   * Seed of the weight initializers.
   *
   * @return the seed
   */
  public long seed() {
    return seed;
  }

  /**
   * A copy with another seed.
   *
   * @param newSeed the seed
   * @return the copy
   */
  public ModelSpec withSeed(long newSeed) {
    return new ModelSpec(inputChannels, layers, newSeed, inputShape, encoderForecaster);
  }

  /**
   * A builder holding this spec's layers and seed.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(inputChannels);
    layers.forEach(b::addLayer);
    b.inputShape = inputShape;
    b.encoderForecaster = encoderForecaster;
    return b.seed(seed);
  }

  /**
   * Whether the network returns one output frame per input frame.
   *
   * @return true if the last ConvLSTM layer returns sequences and no flatten layer follows
   */
  public boolean returnsSequences() {
    if (encoderForecaster != null) {
      return true;
    }
    return !flattens && convLstmLayers.get(convLstmLayers.size() - 1).returnSequences();
  }

  /**
   * Channels of the network's output.
   *
   * @return the last layer's output channels (with a flatten layer: for {@link #inputShape()})
   */
  public int outputChannels() {
    if (encoderForecaster != null) {
      int c = coreSpec().inputChannels();
      return outputPatches().map(d -> d.outputChannels(c)).orElse(c);
    }
    if (inputShape != null) {
      return outputShape(inputShape).frame().channels();
    }
    int c = inputChannels;
    for (LayerSpec l : layers) {
      c = l.outputChannels(c);
    }
    return c;
  }

  /**
   * The shape of the network output for an input, layer by layer.
   *
   * @param input input frames and frame shape
   * @return the output shape
   * @throws IllegalArgumentException if the channels differ from {@link #inputChannels()} or a
   *     layer cannot take what reaches it (a VALID layer shrinking the frame to nothing)
   */
  public SequenceShape outputShape(SequenceShape input) {
    Objects.requireNonNull(input, "input");
    if (input.frame().channels() != inputChannels) {
      throw new IllegalArgumentException(
          "input channels must be " + inputChannels + ", got " + input.frame().channels());
    }
    if (inputShape != null && !inputShape.equals(input)) {
      throw new IllegalArgumentException("input must be " + inputShape.frames() + " frames of "
          + inputShape.frame() + " (this model's fixed input shape), got " + input.frames()
          + " frames of " + input.frame());
    }
    SequenceShape s = input;
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec l = layers.get(i);
      if (encoderForecaster != null && l instanceof DepthToSpaceSpec) {
        s = forecastShape(s);
      }
      try {
        s = l.outputShape(s, positions.get(i));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage() + " (input " + input.frame() + ")", e);
      }
    }
    if (encoderForecaster != null && !(layers.get(layers.size() - 1) instanceof DepthToSpaceSpec)) {
      s = forecastShape(s);
    }
    return s;
  }

  /**
   * The forecasting network's output for the last encoder layer's output: K frames of its
   * frame size with the (patched) input's channels.
   */
  private SequenceShape forecastShape(SequenceShape lastEncoder) {
    return new SequenceShape(encoderForecaster.horizon(), new FrameShape(
        lastEncoder.frame().height(), lastEncoder.frame().width(), coreSpec().inputChannels()));
  }

  /**
   * The output shape of every layer for an input, in layer order (what a Keras-style summary
   * prints); for an encoder–forecaster the ConvLSTM layers' are the encoder's.
   *
   * @param input input frames and frame shape
   * @return one shape per layer of {@link #layers()}, unmodifiable
   * @throws IllegalArgumentException as {@link #outputShape}
   */
  public List<SequenceShape> layerOutputShapes(SequenceShape input) {
    outputShape(input); // validates the whole walk with the messages documented there
    List<SequenceShape> shapes = new ArrayList<>(layers.size());
    SequenceShape s = input;
    for (int i = 0; i < layers.size(); i++) {
      if (encoderForecaster != null && layers.get(i) instanceof DepthToSpaceSpec) {
        s = forecastShape(s);
      }
      s = layers.get(i).outputShape(s, positions.get(i));
      shapes.add(s);
    }
    return Collections.unmodifiableList(shapes);
  }

  /**
   * Shape of each output frame for an input frame shape.
   *
   * @param input input frame shape
   * @return the output frame shape
   * @throws IllegalArgumentException as {@link #outputShape}
   */
  public FrameShape outputFrameShape(FrameShape input) {
    return outputShape(new SequenceShape(inputShape == null ? 1 : inputShape.frames(), input))
        .frame();
  }

  /**
   * Number of output frames for an input of {@code frames} frames.
   *
   * @param frames input frames
   * @return the horizon K for an encoder–forecaster, else {@code frames} if the last
   *     ConvLSTM layer returns sequences, else 1
   */
  public int outputFrames(int frames) {
    if (encoderForecaster != null) {
      return encoderForecaster.horizon();
    }
    return returnsSequences() ? frames : 1;
  }

  /**
   * Names and shapes of all weights, in Keras {@code model.get_weights()} order and layouts,
   * layer by layer as each {@link LayerSpec} names them: per ConvLSTM layer i
   * {@code conv_lstm2d_i/kernel [kh, kw, C_in, 4F]},
   * {@code conv_lstm2d_i/recurrent_kernel [rkh, rkw, F, 4F]}, {@code conv_lstm2d_i/bias [4F]}
   * (if used), {@code conv_lstm2d_i/peephole_i, peephole_f, peephole_o [F]} (with peepholes), then {@code batch_normalization_i/gamma, beta, moving_mean, moving_variance [F]}
   * (if it follows); then {@code conv3d/kernel [kt, kh, kw, C_in, C_out]} and
   * {@code conv3d/bias}. Gate order inside 4F is Keras' i, f, c, o. An encoder–forecaster
   * continues with the forecasting network's weights ({@link EncoderForecasterSpec}).
   *
   * @return an ordered, unmodifiable map from name to shape
   */
  public Map<String, List<Integer>> weightShapes() {
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    SequenceShape shape = inputShape;
    int channels = inputChannels;
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec l = layers.get(i);
      if (encoderForecaster != null && l instanceof DepthToSpaceSpec) {
        break; // it reads the forecaster's output and has no weights
      }
      m.putAll(l.weightShapes(l.name(positions.get(i)), channels));
      if (shape != null) {
        shape = l.outputShape(shape, positions.get(i));
        channels = shape.frame().channels();
      } else {
        channels = l.outputChannels(channels);
      }
    }
    if (encoderForecaster != null) {
      m.putAll(forecasterWeightShapes());
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * The forecasting network's weights (see {@link EncoderForecasterSpec}): per layer the
   * mirrored encoder layer's, without layer 0's input kernel, then the output convolution.
   */
  private Map<String, List<Integer>> forecasterWeightShapes() {
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    int cin = 0;
    int concat = 0;
    for (int i = 0; i < convLstmLayers.size(); i++) {
      ConvLstmLayerSpec l = convLstmLayers.get(i);
      String name = EncoderForecasterSpec.layerName(i);
      Map<String, List<Integer>> w = new LinkedHashMap<>(l.weightShapes(name, Math.max(1, cin)));
      if (i == 0) {
        w.remove(name + "/kernel");
      }
      m.putAll(w);
      cin = l.filters();
      concat += l.filters();
    }
    int c = coreSpec().inputChannels();
    m.put(EncoderForecasterSpec.OUTPUT_KERNEL, List.of(1, 1, concat, c));
    m.put(EncoderForecasterSpec.OUTPUT_BIAS, List.of(c));
    return m;
  }

  /**
   * Refuses layers an encoder–forecaster cannot take: between the optional patch layers only
   * ConvLSTM layers, each with SAME padding and returning sequences (the forecasting layers
   * start from the encoder's states, so every layer keeps the frame size). Dropout is allowed
   * (see {@link EncoderForecasterSpec}).
   */
  private static void checkEncoder(List<LayerSpec> layers) {
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec l = layers.get(i);
      if (l instanceof SpaceToDepthSpec || l instanceof DepthToSpaceSpec) {
        continue;
      }
      if (!(l instanceof ConvLstmLayerSpec)) {
        throw new IllegalArgumentException("an encoder-forecaster holds only conv_lstm2d layers "
            + "(and patch layers), got " + l.kind() + " at layer " + i);
      }
      ConvLstmLayerSpec c = (ConvLstmLayerSpec) l;
      if (c.padding() != Padding.SAME) {
        throw new IllegalArgumentException("an encoder-forecaster's conv_lstm2d layers must use "
            + "SAME padding (the forecaster starts from their states), got " + c.padding()
            + " at layer " + i);
      }
      if (!c.returnSequences()) {
        throw new IllegalArgumentException("an encoder-forecaster's conv_lstm2d layers must "
            + "return sequences, got returnSequences false at layer " + i);
      }
    }
  }

  /**
   * The encoder–forecaster setting, if this is one (the ConvLSTM layers are then the encoder).
   *
   * @return the setting, empty for a stacked model
   */
  public Optional<EncoderForecasterSpec> encoderForecaster() {
    return Optional.ofNullable(encoderForecaster);
  }

  /**
   * The weights an optimizer updates: {@link #weightShapes()} without batch normalization's
   * moving statistics.
   *
   * @return an ordered, unmodifiable map from name to shape
   */
  public Map<String, List<Integer>> trainableWeightShapes() {
    Map<String, List<Integer>> m = new LinkedHashMap<>(weightShapes());
    m.keySet().removeIf(BatchNormSpec::isMovingStatistic);
    return Collections.unmodifiableMap(m);
  }

  /** Name of the head's kernel. */
  public static final String HEAD_KERNEL = "conv3d/kernel";
  /** Name of the head's bias. */
  public static final String HEAD_BIAS = "conv3d/bias";

  /**
   * Name of ConvLSTM layer i's input kernel.
   *
   * @param layer 0-based ConvLSTM layer index
   * @return {@code conv_lstm2d_<layer>/kernel}
   */
  public static String kernelName(int layer) {
    return ConvLstmLayerSpec.KIND + "_" + layer + "/kernel";
  }

  /**
   * Name of ConvLSTM layer i's recurrent kernel.
   *
   * @param layer 0-based ConvLSTM layer index
   * @return {@code conv_lstm2d_<layer>/recurrent_kernel}
   */
  public static String recurrentKernelName(int layer) {
    return ConvLstmLayerSpec.KIND + "_" + layer + "/recurrent_kernel";
  }

  /**
   * Name of ConvLSTM layer i's bias.
   *
   * @param layer 0-based ConvLSTM layer index
   * @return {@code conv_lstm2d_<layer>/bias}
   */
  public static String biasName(int layer) {
    return ConvLstmLayerSpec.KIND + "_" + layer + "/bias";
  }

  /**
   * Name of one of ConvLSTM layer i's peephole weights (see
   * {@link ConvLstmLayerSpec#peephole()}).
   *
   * @param layer 0-based ConvLSTM layer index
   * @param gate {@code i}, {@code f} or {@code o}
   * @return {@code conv_lstm2d_<layer>/peephole_<gate>}
   * @throws IllegalArgumentException for another gate
   */
  public static String peepholeName(int layer, String gate) {
    if (!ConvLstmLayerSpec.PEEPHOLE_GATES.contains(gate)) {
      throw new IllegalArgumentException(
          "gate must be one of " + ConvLstmLayerSpec.PEEPHOLE_GATES + ", got " + gate);
    }
    return ConvLstmLayerSpec.KIND + "_" + layer + "/peephole_" + gate;
  }

  /**
   * Name of a tensor of the batch normalization after ConvLSTM layer i.
   *
   * @param layer 0-based ConvLSTM layer index
   * @param part {@code gamma}, {@code beta}, {@code moving_mean} or {@code moving_variance}
   * @return {@code batch_normalization_<layer>/<part>}
   */
  public static String batchNormName(int layer, String part) {
    if (!BatchNormSpec.PARTS.contains(part)) {
      throw new IllegalArgumentException(
          "part must be one of " + BatchNormSpec.PARTS + ", got " + part);
    }
    return BatchNormSpec.KIND + "_" + layer + "/" + part;
  }

  /**
   * Total number of weights, trainable and not (Keras' "Total params").
   *
   * @return the count
   */
  public long parameterCount() {
    long n = 0;
    for (List<Integer> s : weightShapes().values()) {
      long p = 1;
      for (int d : s) {
        p *= d;
      }
      n += p;
    }
    return n;
  }

  /**
   * The spec as flat text properties (stored in checkpoints): {@code format}
   * ({@value #FORMAT}), {@code inputChannels}, {@code seed}, {@code layers} (the count), and
   * per layer i {@code layer.<i>.kind} plus the fields the layer writes under
   * {@code layer.<i>.}. {@link #fromProperties} reads it back, and also the format of earlier
   * versions ({@value #FORMAT_1}).
   *
   * @return properties describing every field
   */
  public Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("format", FORMAT);
    p.setProperty("inputChannels", Integer.toString(inputChannels));
    p.setProperty("seed", Long.toString(seed));
    p.setProperty("layers", Integer.toString(layers.size()));
    if (inputShape != null) {
      p.setProperty("input.frames", Integer.toString(inputShape.frames()));
      p.setProperty("input.height", Integer.toString(inputShape.frame().height()));
      p.setProperty("input.width", Integer.toString(inputShape.frame().width()));
    }
    for (int i = 0; i < layers.size(); i++) {
      String k = "layer." + i + ".";
      p.setProperty(k + "kind", layers.get(i).kind());
      layers.get(i).writeProperties(p, k);
    }
    if (encoderForecaster != null) {
      p.setProperty("encoderForecaster.horizon", Integer.toString(encoderForecaster.horizon()));
      p.setProperty("encoderForecaster.outputActivation",
          encoderForecaster.outputActivation().name());
    }
    return p;
  }

  /**
   * Reads a spec written by {@link #toProperties()} or by an earlier version.
   *
   * @param p the properties
   * @return the spec
   * @throws IllegalArgumentException naming the missing or malformed key
   */
  public static ModelSpec fromProperties(Properties p) {
    Objects.requireNonNull(p, "properties");
    String format = p.getProperty("format");
    if (FORMAT_1.equals(format)) {
      return fromProperties1(p);
    }
    if (!FORMAT.equals(format)) {
      throw new IllegalArgumentException("spec format must be " + FORMAT + " or " + FORMAT_1
          + ", got " + format);
    }
    Builder b = builder(SpecProperties.integer(p, "inputChannels"));
    b.seed(SpecProperties.longInteger(p, "seed"));
    if (p.getProperty("input.frames") != null) {
      b.inputShape(SpecProperties.integer(p, "input.frames"),
          SpecProperties.integer(p, "input.height"), SpecProperties.integer(p, "input.width"));
    }
    int n = SpecProperties.integer(p, "layers");
    for (int i = 0; i < n; i++) {
      String k = "layer." + i + ".";
      b.addLayer(LayerSpec.readProperties(SpecProperties.string(p, k + "kind"), p, k));
    }
    if (p.getProperty("encoderForecaster.horizon") != null) {
      b.encoderForecaster(SpecProperties.integer(p, "encoderForecaster.horizon"),
          SpecProperties.enumeration(p, "encoderForecaster.outputActivation", Activation.class));
    }
    return b.build();
  }

  /**
   * Format 1: ConvLSTM layers with a {@code batchNormalization} flag each, model-wide
   * batch-normalization momentum and epsilon, and {@code head.*} keys.
   */
  private static ModelSpec fromProperties1(Properties p) {
    Builder b = builder(SpecProperties.integer(p, "inputChannels"));
    BatchNormSpec bn = new BatchNormSpec(SpecProperties.number(p, "batchNormMomentum"),
        SpecProperties.number(p, "batchNormEpsilon"));
    b.seed(SpecProperties.longInteger(p, "seed"));
    int n = SpecProperties.integer(p, "layers");
    for (int i = 0; i < n; i++) {
      String k = "layer." + i + ".";
      b.addLayer(ConvLstmLayerSpec.readProperties(p, k));
      if (SpecProperties.bool(p, k + "batchNormalization")) {
        b.addLayer(bn);
      }
    }
    if (p.getProperty("head.filters") != null) {
      b.addLayer(Conv3dHeadSpec.readProperties(p, "head."));
    }
    return b.build();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ModelSpec)) {
      return false;
    }
    ModelSpec s = (ModelSpec) o;
    return inputChannels == s.inputChannels && layers.equals(s.layers) && seed == s.seed
        && Objects.equals(inputShape, s.inputShape)
        && Objects.equals(encoderForecaster, s.encoderForecaster);
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputChannels, layers, seed, inputShape, encoderForecaster);
  }

  @Override
  public String toString() {
    return "ModelSpec[inputChannels=" + inputChannels
        + (inputShape == null ? "" : ", inputShape=" + inputShape) + ", layers=" + layers
        + (encoderForecaster == null ? "" : ", " + encoderForecaster)
        + ", seed=" + seed + ", parameters=" + parameterCount() + "]";
  }

  /** Builds a {@link ModelSpec}; {@link #build()} validates the whole. */
  public static final class Builder {
    private final int inputChannels;
    private final List<LayerSpec> layers = new ArrayList<>();
    private long seed;
    private SequenceShape inputShape;
    private EncoderForecasterSpec encoderForecaster;

    private Builder(int inputChannels) {
      if (inputChannels <= 0) {
        throw new IllegalArgumentException(
            "inputChannels must be positive, got " + inputChannels);
      }
      this.inputChannels = inputChannels;
    }

    /**
     * Appends a layer.
     *
     * @param layer the layer
     * @return this builder
     */
    public Builder addLayer(LayerSpec layer) {
      layers.add(Objects.requireNonNull(layer, "layer"));
      return this;
    }

    /**
     * Fixes the input shape (Keras' {@code batch_input_shape} without the batch): needed when
     * a {@link FlattenSpec} makes weight shapes depend on it; inputs of another shape are then
     * refused.
     *
     * @param frames T, at least 1
     * @param height rows, at least 1
     * @param width columns, at least 1
     * @return this builder
     * @throws IllegalArgumentException if a size is not positive
     */
    public Builder inputShape(int frames, int height, int width) {
      this.inputShape = new SequenceShape(frames, new FrameShape(height, width, inputChannels));
      return this;
    }

    /**
     * Makes the model an encoder–forecaster (Shi et al. 2015, §3.2, Fig. 3; see
     * {@link EncoderForecasterSpec}): the ConvLSTM layers added to this builder become the
     * encoding network, mirrored as the forecasting network, which predicts {@code horizon}
     * frames through a 1×1 convolution over all its layers' hidden states and
     * {@code outputActivation}. Optional patch layers stay first and last.
     *
     * @param horizon K, at least 1
     * @param outputActivation the prediction's activation
     * @return this builder
     * @throws IllegalArgumentException if {@code horizon} is not positive
     */
    public Builder encoderForecaster(int horizon, Activation outputActivation) {
      this.encoderForecaster = new EncoderForecasterSpec(horizon, outputActivation);
      return this;
    }

    /**
     * Sets the initializer seed.
     *
     * @param s the seed
     * @return this builder
     */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the spec
     * @throws IllegalArgumentException naming the bad layer and why (no ConvLSTM layer, a batch
     *     normalization first, a head not last, twice or not after a ConvLSTM layer, a ConvLSTM
     *     layer that feeds another without returning sequences, a flatten layer without a
     *     fixed input shape, an input shape the layers cannot take)
     */
    public ModelSpec build() {
      return new ModelSpec(inputChannels, layers, seed, inputShape, encoderForecaster);
    }
  }
}
