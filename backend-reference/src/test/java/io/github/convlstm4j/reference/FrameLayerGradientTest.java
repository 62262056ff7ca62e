package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.ActivationSpec;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv2dSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.DenseSpec;
import io.github.convlstm4j.api.FlattenSpec;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.MaxPoolingSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.SoftmaxSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The trainable frame-wise layers (Conv2D, Dense, Flatten, MaxPooling, Softmax, Activation)
 * in chains with ConvLSTM layers: every element of every trainable tensor's gradient and of
 * the input gradient against central finite differences of the training-mode loss, with
 * {@link GradientCheckTest}'s procedure and tolerances (batches of 2 sequences of 3 frames of
 * 4×5). Every new layer kind appears in at least one model; a frame layer sits before, between
 * and after ConvLSTM layers.
 */
class FrameLayerGradientTest {

  static Stream<Arguments> models() {
    List<Arguments> l = new ArrayList<>();
    l.add(Arguments.of("ConvLSTM 2f -> Conv2D head 2f 3x3 SAME sigmoid, BCE",
        ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2))
            .addLayer(new Conv2dSpec(2, 3, 3, 1, 1, Padding.SAME, Activation.SIGMOID, true))
            .seed(21).build(), Loss.BINARY_CROSSENTROPY));
    l.add(Arguments.of("ConvLSTM 3f last step -> flatten -> dense 3 -> softmax, BCE",
        ModelSpec.builder(1).inputShape(3, 4, 5)
            .addLayer(ConvLstmLayerSpec.of(3).withReturnSequences(false))
            .addLayer(new FlattenSpec())
            .addLayer(new DenseSpec(3, Activation.LINEAR, true))
            .addLayer(new SoftmaxSpec()).seed(22).build(), Loss.BINARY_CROSSENTROPY));
    // (No max pooling right after a batch norm here: the normalized values of a window lie
    // close enough together for a finite-difference step to change which one is the maximum.)
    l.add(Arguments.of("Conv2D 2f 2x2 stride 2 SAME relu -> ConvLSTM 2f + BN -> activation tanh "
        + "-> dense 1 sigmoid no bias, MSE",
        ModelSpec.builder(2)
            .addLayer(new Conv2dSpec(2, 2, 2, 2, 2, Padding.SAME, Activation.RELU, true))
            .addLayer(ConvLstmLayerSpec.of(2)).addLayer(BatchNormSpec.keras())
            .addLayer(new ActivationSpec(Activation.TANH))
            .addLayer(new DenseSpec(1, Activation.SIGMOID, false)).seed(23).build(), Loss.MSE));
    l.add(Arguments.of("ConvLSTM 2f -> max pooling 2x2 stride 2 SAME -> ConvLSTM 3f hard sigmoid "
        + "-> dense 2 tanh, MSE",
        ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2))
            .addLayer(new MaxPoolingSpec(2, 2, 2, 2, Padding.SAME))
            .addLayer(ConvLstmLayerSpec.of(3).withRecurrentActivation(Activation.HARD_SIGMOID))
            .addLayer(new DenseSpec(2, Activation.TANH, true)).seed(24).build(), Loss.MSE));
    l.add(Arguments.of("ConvLSTM 2f -> max pooling 3x2 stride 1 VALID -> flatten -> dense 2 "
        + "sigmoid, BCE",
        ModelSpec.builder(1).inputShape(3, 4, 5).addLayer(ConvLstmLayerSpec.of(2))
            .addLayer(new MaxPoolingSpec(3, 2, 1, 1, Padding.VALID))
            .addLayer(new FlattenSpec())
            .addLayer(new DenseSpec(2, Activation.SIGMOID, true)).seed(26).build(),
        Loss.BINARY_CROSSENTROPY));
    l.add(Arguments.of("ConvLSTM 8f -> Conv2D 2f 3x2 stride (1, 2) VALID linear no bias, MSE",
        ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(8))
            .addLayer(new Conv2dSpec(2, 3, 2, 1, 2, Padding.VALID, Activation.LINEAR, false))
            .seed(25).build(), Loss.MSE));
    List<Arguments> both = new ArrayList<>();
    for (Arguments a : l) {
      for (ConvolutionAlgorithm c : ConvolutionAlgorithm.values()) {
        Object[] o = a.get();
        both.add(Arguments.of(o[0] + ", " + c.settingValue(), o[1], o[2], c));
      }
    }
    return both.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void gradientsMatchFiniteDifferences(String name, ModelSpec spec, Loss loss,
      ConvolutionAlgorithm convolution) {
    new GradientCheckTest().gradientsMatchFiniteDifferences(name, spec, loss, convolution);
  }
}
