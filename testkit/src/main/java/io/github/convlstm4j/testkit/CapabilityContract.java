package io.github.convlstm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.github.convlstm4j.testkit.KitSupport.dynamicTest;

import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.ActivationSpec;
import io.github.convlstm4j.api.Conv2dSpec;
import io.github.convlstm4j.api.Conv2dTransposeSpec;
import io.github.convlstm4j.api.DenseSpec;
import io.github.convlstm4j.api.FlattenSpec;
import io.github.convlstm4j.api.LayerNormSpec;
import io.github.convlstm4j.api.MaxPoolingSpec;
import io.github.convlstm4j.api.SoftmaxSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.spi.Capability;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Capabilities: a declared one computes correctly, an undeclared one is refused. */
abstract class CapabilityContract extends Contract {

  /**
   * A small spec that needs exactly one inference capability (none for TRAINING).
   *
   * @param c the capability
   * @return the spec, seed 7
   */
  static ModelSpec specNeeding(Capability c) {
    ConvLstmLayerSpec base = ConvLstmLayerSpec.of(2);
    ModelSpec.Builder b = ModelSpec.builder(1).seed(7);
    switch (c) {
      case BATCH_NORM:
        return b.addLayer(base).addLayer(BatchNormSpec.keras()).build();
      case HARD_SIGMOID:
        return b.addLayer(base.withRecurrentActivation(Activation.HARD_SIGMOID)).build();
      case EVEN_KERNELS:
        return b.addLayer(base.withKernel(2, 2)).build();
      case VALID_PADDING:
        return b.addLayer(base.withPadding(Padding.VALID)).build();
      case CONV3D_HEAD:
        return b.addLayer(base)
            .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME)).build();
      case LAST_STEP_ONLY:
        return b.addLayer(base.withReturnSequences(false)).build();
      case TRAINING:
        return b.addLayer(base).build();
      case PEEPHOLES:
        return b.addLayer(base.withPeephole(true)).build();
      case RECURRENT_KERNEL_SIZE:
        return b.addLayer(base.withKernel(3, 3).withRecurrentKernel(1, 1)).build();
      case ENCODER_FORECASTER:
        return b.addLayer(base).encoderForecaster(2, Activation.SIGMOID).build();
      case FRAME_LAYERS:
        return b.inputShape(3, 5, 5).addLayer(base)
            .addLayer(new Conv2dSpec(3, 3, 3, 2, 2, Padding.SAME, Activation.RELU, true))
            .addLayer(new LayerNormSpec(1e-3, true, true))
            .addLayer(new Conv2dTransposeSpec(2, 3, 3, 2, 2, Padding.SAME, Activation.LINEAR,
                true))
            .addLayer(BatchNormSpec.keras())
            .addLayer(new MaxPoolingSpec(2, 2, 1, 1, Padding.SAME))
            .addLayer(new ActivationSpec(Activation.TANH))
            .addLayer(new FlattenSpec())
            .addLayer(new DenseSpec(3, Activation.LINEAR, true))
            .addLayer(new SoftmaxSpec()).build();
      default:
        throw new AssertionError(c);
    }
  }

  @TestFactory
  @DisplayName("each capability: declared ones compute the equations, undeclared ones are refused")
  List<DynamicTest> everyCapability() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Capability c : Capability.values()) {
      if (kit().declares(c)) {
        tests.add(dynamicTest("declared " + c + " works", () -> declaredWorks(c)));
      } else {
        tests.add(dynamicTest("undeclared " + c + " is refused", () -> undeclaredRefused(c)));
      }
    }
    return tests;
  }

  private void declaredWorks(Capability c) {
    ModelSpec spec = specNeeding(c);
    FrameSequence input = RandomCase.randomSequence(3, new FrameShape(5, 5, 1), 70);
    ModelWeights w = RandomCase.randomWeights(spec, 71);
    try (Forecaster f = kit().create(spec, w)) {
      if (c == Capability.TRAINING) {
        SequenceDataset data = SequenceDataset.of(List.of(input),
            List.of(RandomCase.randomSequence(3, new FrameShape(5, 5, 2), 72)));
        TrainingHistory h = f.fit(data, TrainingConfig.defaults().withLoss(Loss.MSE)
            .withOptimizer(OptimizerSpec.adam()).withBatchSize(1), TrainingListener.NONE);
        assertTrue(h.epochs().size() == 1 && Double.isFinite(h.finalLoss()),
            "fit with declared TRAINING must run one epoch with a finite loss, got " + h);
        return;
      }
      kit().assertForwardClose(c == Capability.ENCODER_FORECASTER
          ? PlainEncoderForecaster.forecast(spec, w, input, 2)
          : PlainConvLstm.predict(spec, w, input), f.predict(input),
          c + ": predict against the plain double-precision forward");
    }
  }

  private void undeclaredRefused(Capability c) {
    ModelSpec spec = specNeeding(c);
    if (c == Capability.TRAINING) {
      FrameSequence input = RandomCase.randomSequence(3, new FrameShape(5, 5, 1), 70);
      try (Forecaster f = kit().create(spec)) {
        SequenceDataset data = SequenceDataset.of(List.of(input),
            List.of(RandomCase.randomSequence(3, new FrameShape(5, 5, 2), 72)));
        assertThrows(IllegalStateException.class,
            () -> f.fit(data, TrainingConfig.defaults(), TrainingListener.NONE),
            "fit on a backend without TRAINING must throw IllegalStateException");
      }
      return;
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> kit().provider().create(spec, kit().options()).close(),
        "creating a forecaster for a spec needing undeclared " + c
            + " must throw IllegalArgumentException, not compute something else");
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    String n = c.name().toLowerCase(Locale.ROOT);
    assertTrue(m.contains(n) || m.contains(n.replace('_', ' ')) || m.contains(n.replace('_', '-')),
        "the refusal must name the capability " + c + ", got: " + e.getMessage());
  }
}
