package io.github.convlstm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.github.convlstm4j.testkit.KitSupport.dynamicTest;

import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.spi.Capability;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input: every entry rejects it with an {@link IllegalArgumentException} whose message
 * names the expected and the actual value (or the offending tensor), and the forecaster gives
 * the same outputs and weights afterwards as before.
 */
abstract class BadInputContract extends Contract {

  /** A 3-channel model: channel numbers 3 (expected) and 7 (given) are easy to spot. */
  private static final int CHANNELS = 3;
  private static final int WRONG_CHANNELS = 7;

  private static ModelSpec threeChannelSpec() {
    return ModelSpec.builder(CHANNELS).addLayer(ConvLstmLayerSpec.of(2)).seed(21).build();
  }

  /**
   * Runs {@code bad}, expects an IllegalArgumentException naming {@code expected} and
   * {@code actual}, then checks the forecaster still predicts {@code probe} as before.
   */
  private IllegalArgumentException rejectedAndStillUsable(Forecaster f, FrameSequence probe,
      Executable bad, String what, String expected, String actual) {
    FrameSequence before = f.predict(probe);
    ModelWeights weightsBefore = f.weights();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad,
        what + " must throw IllegalArgumentException");
    if (expected != null) {
      KitSupport.assertNames(e, expected, actual);
    }
    assertEquals(weightsBefore, f.weights(), "weights must be unchanged after " + what);
    kit().assertRepeatClose(before, f.predict(probe), "predict after the rejected " + what);
    return e;
  }

  @TestFactory
  @DisplayName("a wrong channel count is rejected by every entry, naming 3 and 7")
  List<DynamicTest> wrongChannelCount() {
    ModelSpec spec = threeChannelSpec();
    FrameShape good = FrameShape.of(4, 4, CHANNELS);
    FrameShape bad = FrameShape.of(4, 4, WRONG_CHANNELS);
    FrameSequence ok = RandomCase.randomSequence(2, good, 22);
    FrameSequence wrong = RandomCase.randomSequence(2, bad, 23);
    FrameSequence target = RandomCase.randomSequence(2, FrameShape.of(4, 4, 2), 24);
    SequenceDataset wrongData = SequenceDataset.of(List.of(wrong), List.of(target));
    Map<String, java.util.function.Consumer<Forecaster>> calls = new LinkedHashMap<>();
    calls.put("predict(sequence)", f -> f.predict(wrong));
    calls.put("predict(list)", f -> f.predict(List.of(wrong, wrong)));
    calls.put("forecast", f -> f.forecast(wrong, 1));
    calls.put("evaluate", f -> f.evaluate(wrongData, Loss.MSE));
    calls.put("fit", f -> f.fit(wrongData, TrainingConfig.defaults(), TrainingListener.NONE));
    List<DynamicTest> tests = new ArrayList<>();
    calls.forEach((name, call) -> tests.add(dynamicTest(name + " with 7 channels instead of 3",
        () -> {
          if (name.equals("fit")) {
            kit().assumeDeclared(Capability.TRAINING);
          }
          try (Forecaster f = kit().create(spec)) {
            rejectedAndStillUsable(f, ok, () -> call.accept(f), name + " with 7 channels",
                "" + CHANNELS, "" + WRONG_CHANNELS);
          }
        })));
    return tests;
  }

  @Test
  @DisplayName("a frame smaller than a VALID kernel (5x5 kernel, 4x6 frame) is rejected naming 5 and 4")
  void frameTooSmallForValid() {
    ModelSpec spec = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(2).withKernel(5, 5).withPadding(Padding.VALID)).seed(25)
        .build();
    FrameSequence ok = RandomCase.randomSequence(2, FrameShape.of(6, 6, 1), 26);
    FrameSequence small = RandomCase.randomSequence(2, FrameShape.of(4, 6, 1), 27);
    try (Forecaster f = kit().create(spec)) {
      rejectedAndStillUsable(f, ok, () -> f.predict(small), "predict on a 4x6 frame", "5", "4");
      rejectedAndStillUsable(f, ok, () -> f.predict(List.of(small)), "predict(list) on a 4x6 frame",
          "5", "4");
    }
  }

  @Test
  @DisplayName("an empty list is rejected by predict(list), naming 0")
  void emptyList() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).seed(28).build();
    FrameSequence ok = RandomCase.randomSequence(2, FrameShape.of(4, 4, 1), 29);
    try (Forecaster f = kit().create(spec)) {
      IllegalArgumentException e = rejectedAndStillUsable(f, ok, () -> f.predict(List.of()),
          "predict(empty list)", null, null);
      assertTrue(String.valueOf(e.getMessage()).contains("0"),
          "the message must name the actual count 0, got: " + e.getMessage());
    }
  }

  @Test
  @DisplayName("a batch of mixed shapes (4x5x5x1 and 4x7x5x1) is rejected naming both")
  void mixedShapesInBatch() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).seed(30).build();
    FrameSequence a = RandomCase.randomSequence(4, FrameShape.of(5, 5, 1), 31);
    FrameSequence b = RandomCase.randomSequence(4, FrameShape.of(7, 5, 1), 32);
    try (Forecaster f = kit().create(spec)) {
      rejectedAndStillUsable(f, a, () -> f.predict(List.of(a, b)), "predict(mixed shapes)", "5",
          "7");
    }
  }

  @TestFactory
  @DisplayName("a horizon below 1 is rejected by forecast, naming 1 and the horizon")
  List<DynamicTest> badHorizon() {
    List<DynamicTest> tests = new ArrayList<>();
    for (int h : new int[] {0, -2}) {
      tests.add(dynamicTest("horizon " + h, () -> {
        ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(1)).seed(33).build();
        FrameSequence ok = RandomCase.randomSequence(2, FrameShape.of(4, 4, 1), 34);
        try (Forecaster f = kit().create(spec)) {
          rejectedAndStillUsable(f, ok, () -> f.forecast(ok, h), "forecast(context, " + h + ")",
              "1", "" + h);
        }
      }));
    }
    return tests;
  }

  @Test
  @DisplayName("forecast on a model whose output frame differs from its input frame is refused")
  void forecastNeedsMatchingFrames() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).seed(35).build();
    FrameSequence ok = RandomCase.randomSequence(2, FrameShape.of(4, 4, 1), 36);
    try (Forecaster f = kit().create(spec)) {
      FrameSequence before = f.predict(ok);
      RuntimeException e = assertThrows(RuntimeException.class, () -> f.forecast(ok, 2),
          "forecast with output frames 4x4x2 and input frames 4x4x1 must be refused");
      assertTrue(e instanceof IllegalArgumentException || e instanceof IllegalStateException,
          "expected IllegalArgumentException or IllegalStateException, got " + e);
      KitSupport.assertNames(e, "2", "1");
      kit().assertRepeatClose(before, f.predict(ok), "predict after the refused forecast");
    }
  }

  @TestFactory
  @DisplayName("setWeights rejects missing, extra, mis-shaped and non-finite tensors, naming the tensor")
  List<DynamicTest> mismatchedWeights() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).seed(37).build();
    ModelWeights good = RandomCase.randomWeights(spec, 38);
    // the bad sets differ from the current weights in every tensor, so that a setWeights that
    // applies the fitting tensors before rejecting the bad one is noticed
    ModelWeights other = RandomCase.randomWeights(spec, 138);
    String kernel = ModelSpec.kernelName(0);
    String recurrent = ModelSpec.recurrentKernelName(0);
    String bias = ModelSpec.biasName(0);
    Map<String, ModelWeights> bad = new LinkedHashMap<>();
    bad.put("missing " + bias, without(other, bias));
    bad.put("extra conv_lstm2d_9/kernel",
        with(other, "conv_lstm2d_9/kernel", Tensor.zeros(3, 3, 1, 8)));
    bad.put("mis-shaped " + kernel + " [2, 2, 1, 8]", with(other, kernel, Tensor.zeros(2, 2, 1, 8)));
    bad.put("NaN in " + recurrent, poisoned(other, recurrent, Float.NaN));
    bad.put("+Infinity in " + bias, poisoned(other, bias, Float.POSITIVE_INFINITY));
    String[] named = {bias, "conv_lstm2d_9/kernel", kernel, recurrent, bias};
    List<DynamicTest> tests = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, ModelWeights> e : bad.entrySet()) {
      String tensor = named[i++];
      tests.add(dynamicTest(e.getKey(), () -> {
        FrameSequence ok = RandomCase.randomSequence(2, FrameShape.of(4, 4, 1), 39);
        try (Forecaster f = kit().create(spec, good)) {
          IllegalArgumentException ex = rejectedAndStillUsable(f, ok,
              () -> f.setWeights(e.getValue()), "setWeights(" + e.getKey() + ")", null, null);
          assertTrue(String.valueOf(ex.getMessage()).contains(tensor),
              "the message must name the tensor " + tensor + ", got: " + ex.getMessage());
        }
      }));
    }
    return tests;
  }

  @Test
  @DisplayName("restore rejects a checkpoint of another architecture")
  void restoreRejectsOtherSpec() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).seed(40).build();
    ModelSpec other = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(3)).seed(40).build();
    Checkpoint foreign = new Checkpoint(other, RandomCase.randomWeights(other, 41),
        ModelWeights.empty(), 0);
    FrameSequence ok = RandomCase.randomSequence(2, FrameShape.of(4, 4, 1), 42);
    try (Forecaster f = kit().create(spec)) {
      rejectedAndStillUsable(f, ok, () -> f.restore(foreign),
          "restore(checkpoint of a 3-filter model into a 2-filter model)", null, null);
    }
  }

  @TestFactory
  @DisplayName("evaluate and fit reject targets of the wrong shape and empty datasets")
  List<DynamicTest> badDatasets() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).seed(43).build();
    FrameSequence in = RandomCase.randomSequence(3, FrameShape.of(4, 4, 1), 44);
    // the network outputs 3x4x4x2; this target has 5 channels
    FrameSequence wrongTarget = RandomCase.randomSequence(3, FrameShape.of(4, 4, 5), 45);
    SequenceDataset wrong = SequenceDataset.of(List.of(in), List.of(wrongTarget));
    SequenceDataset empty = SequenceDataset.of(List.of());
    List<DynamicTest> tests = new ArrayList<>();
    tests.add(dynamicTest("evaluate with 5-channel targets for 2-channel outputs", () -> {
      try (Forecaster f = kit().create(spec)) {
        rejectedAndStillUsable(f, in, () -> f.evaluate(wrong, Loss.MSE), "evaluate(wrong target)",
            "2", "5");
      }
    }));
    tests.add(dynamicTest("evaluate on an empty dataset", () -> {
      try (Forecaster f = kit().create(spec)) {
        rejectedAndStillUsable(f, in, () -> f.evaluate(empty, Loss.MSE), "evaluate(empty)", null,
            null);
      }
    }));
    tests.add(dynamicTest("fit with 5-channel targets for 2-channel outputs", () -> {
      kit().assumeDeclared(Capability.TRAINING);
      try (Forecaster f = kit().create(spec)) {
        rejectedAndStillUsable(f, in,
            () -> f.fit(wrong, TrainingConfig.defaults(), TrainingListener.NONE),
            "fit(wrong target)", "2", "5");
      }
    }));
    tests.add(dynamicTest("fit on an empty dataset", () -> {
      kit().assumeDeclared(Capability.TRAINING);
      try (Forecaster f = kit().create(spec)) {
        rejectedAndStillUsable(f, in,
            () -> f.fit(empty, TrainingConfig.defaults(), TrainingListener.NONE), "fit(empty)",
            null, null);
      }
    }));
    return tests;
  }

  private static ModelWeights without(ModelWeights w, String name) {
    ModelWeights.Builder b = ModelWeights.builder();
    w.asMap().forEach((k, v) -> {
      if (!k.equals(name)) {
        b.put(k, v);
      }
    });
    return b.build();
  }

  private static ModelWeights with(ModelWeights w, String name, Tensor t) {
    Map<String, Tensor> m = new LinkedHashMap<>(w.asMap());
    m.put(name, t);
    return ModelWeights.of(m);
  }

  private static ModelWeights poisoned(ModelWeights w, String name, float value) {
    Tensor t = w.get(name);
    float[] v = t.toArray();
    v[v.length / 2] = value;
    return with(w, name, Tensor.of(t.shape(), v));
  }
}
