package io.github.convlstm4j.api;

import io.github.convlstm4j.spi.Capability;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * One layer of a {@link ModelSpec}: a sealed interface with one record per layer kind. Each
 * record validates its own fields, says what it does to the shape of a sequence, names its
 * weights (Keras names and layouts), lists the backend capabilities it needs, and writes and
 * reads its own fields in the checkpoint's spec properties. Adding a layer kind means a new
 * record here and each backend's kernel for it.
 */
public sealed interface LayerSpec permits ConvLstmLayerSpec, BatchNormSpec, Conv3dHeadSpec,
    DenseSpec, FlattenSpec, Conv2dSpec, Conv2dTransposeSpec, MaxPoolingSpec, LayerNormSpec,
    SoftmaxSpec, ActivationSpec, SpaceToDepthSpec, DepthToSpaceSpec {

  /**
   * Where a layer stands in its model, for naming its weights Keras' way.
   *
   * @param index 0-based position in {@link ModelSpec#layers()}
   * @param convLstmLayersBefore how many ConvLSTM layers precede it
   * @param sameKindBefore how many layers of the same kind precede it
   * @param previousKind the kind of the layer just before it, or the empty string for the first
   */
  record Position(int index, int convLstmLayersBefore, int sameKindBefore, String previousKind) {

    /**
     * A position whose same-kind count is {@code convLstmLayersBefore} and whose predecessor is
     * a ConvLSTM layer (the naming of the layers before frame-wise layers existed).
     *
     * @param index 0-based position
     * @param convLstmLayersBefore ConvLSTM layers before it
     */
    public Position(int index, int convLstmLayersBefore) {
      this(index, convLstmLayersBefore, convLstmLayersBefore, ConvLstmLayerSpec.KIND);
    }
  }

  /**
   * Whether every backend that trains can train this layer: ConvLSTM, batch normalization after
   * a ConvLSTM layer, the Conv3D head, the patch layers, and the frame-wise Conv2D, Dense,
   * Flatten, MaxPooling, Softmax and Activation layers (those with {@link Capability#TRAINING}
   * and {@link Capability#FRAME_LAYERS}). Conv2DTranspose, LayerNormalization and a batch
   * normalization after a frame-wise layer are inference-only: {@code fit} on a model that
   * holds one refuses, naming it.
   *
   * @return true if trainable
   */
  default boolean trainable() {
    return false;
  }

  /**
   * Channels of this layer's output for a given number of input channels.
   *
   * @param inputChannels channels reaching the layer
   * @return output channels
   * @throws IllegalStateException for a layer whose output channels depend on the whole input
   *     shape ({@link FlattenSpec}); {@link ModelSpec} then walks {@link #outputShape}
   */
  int outputChannels(int inputChannels);

  /**
   * The kind's stable name in spec properties, also Keras' layer-name stem, for example
   * {@code conv_lstm2d}, {@code batch_normalization}, {@code conv3d} or {@code dense}.
   *
   * @return the kind
   */
  String kind();

  /**
   * The Keras layer name whose weights this layer holds, for example {@code conv_lstm2d_0}.
   *
   * @param position where the layer stands
   * @return the name (the prefix of every weight name, before {@code /})
   */
  String name(Position position);

  /**
   * The shape of this layer's output for an input.
   *
   * @param input frames, height, width and channels reaching the layer
   * @param position where the layer stands, for messages
   * @return the output shape
   * @throws IllegalArgumentException if the layer cannot take that input, naming the layer,
   *     the expected and the actual size
   */
  SequenceShape outputShape(SequenceShape input, Position position);

  /**
   * Names and shapes of the layer's weights, in Keras {@code get_weights()} order and layouts.
   *
   * @param name the layer's name ({@link #name(Position)})
   * @param inputChannels channels reaching the layer
   * @return an ordered map, empty for a layer without weights
   */
  Map<String, List<Integer>> weightShapes(String name, int inputChannels);

  /**
   * The backend capabilities this layer needs for inference.
   *
   * @return the capabilities
   */
  Set<Capability> requiredCapabilities();

  /**
   * Writes the layer's fields as {@code prefix + field} properties (the kind is written by
   * {@link ModelSpec#toProperties()}).
   *
   * @param p the properties
   * @param prefix for example {@code layer.2.}
   */
  void writeProperties(Properties p, String prefix);

  /**
   * Reads a layer written by {@link #writeProperties}.
   *
   * @param kind the layer's {@link #kind()}
   * @param p the properties
   * @param prefix the layer's prefix
   * @return the layer
   * @throws IllegalArgumentException naming an unknown kind or a missing or malformed key
   */
  static LayerSpec readProperties(String kind, Properties p, String prefix) {
    switch (kind) {
      case ConvLstmLayerSpec.KIND:
        return ConvLstmLayerSpec.readProperties(p, prefix);
      case BatchNormSpec.KIND:
        return BatchNormSpec.readProperties(p, prefix);
      case Conv3dHeadSpec.KIND:
        return Conv3dHeadSpec.readProperties(p, prefix);
      case DenseSpec.KIND:
        return DenseSpec.readProperties(p, prefix);
      case FlattenSpec.KIND:
        return new FlattenSpec();
      case Conv2dSpec.KIND:
        return Conv2dSpec.readProperties(p, prefix);
      case Conv2dTransposeSpec.KIND:
        return Conv2dTransposeSpec.readProperties(p, prefix);
      case MaxPoolingSpec.KIND:
        return MaxPoolingSpec.readProperties(p, prefix);
      case LayerNormSpec.KIND:
        return LayerNormSpec.readProperties(p, prefix);
      case SoftmaxSpec.KIND:
        return new SoftmaxSpec();
      case ActivationSpec.KIND:
        return new ActivationSpec(
            SpecProperties.enumeration(p, prefix + "activation", Activation.class));
      case SpaceToDepthSpec.KIND:
        return SpaceToDepthSpec.readProperties(p, prefix);
      case DepthToSpaceSpec.KIND:
        return DepthToSpaceSpec.readProperties(p, prefix);
      default:
        throw new IllegalArgumentException("spec property '" + prefix + "kind' must be one of "
            + List.of(ConvLstmLayerSpec.KIND, BatchNormSpec.KIND, Conv3dHeadSpec.KIND,
                DenseSpec.KIND, FlattenSpec.KIND, Conv2dSpec.KIND, Conv2dTransposeSpec.KIND,
                MaxPoolingSpec.KIND, LayerNormSpec.KIND, SoftmaxSpec.KIND, ActivationSpec.KIND,
                SpaceToDepthSpec.KIND, DepthToSpaceSpec.KIND)
            + ", got '" + kind + "'");
    }
  }
}
