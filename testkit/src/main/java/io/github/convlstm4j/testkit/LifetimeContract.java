package io.github.convlstm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static io.github.convlstm4j.testkit.KitSupport.dynamicTest;

import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Lifetime: close is idempotent; every call after close throws IllegalStateException. */
abstract class LifetimeContract extends Contract {

  @TempDir
  Path folder;

  private static ModelSpec spec() {
    return ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(1)).seed(171).build();
  }

  @Test
  @DisplayName("close() twice is harmless")
  void closeTwice() {
    Forecaster f = kit().create(spec());
    f.predict(RandomCase.randomSequence(2, FrameShape.of(3, 3, 1), 172));
    assertDoesNotThrow(f::close, "first close()");
    assertDoesNotThrow(f::close, "second close()");
  }

  /** One call per Forecaster method, with valid arguments. */
  private Map<String, java.util.function.Function<Forecaster, Executable>> calls() {
    FrameSequence in = RandomCase.randomSequence(2, FrameShape.of(3, 3, 1), 173);
    SequenceDataset data = SequenceDataset.of(List.of(in), List.of(in));
    Map<String, java.util.function.Function<Forecaster, Executable>> m = new LinkedHashMap<>();
    m.put("predict(sequence)", f -> () -> f.predict(in));
    m.put("predict(list)", f -> () -> f.predict(List.of(in)));
    m.put("forecast", f -> () -> f.forecast(in, 1));
    m.put("fit", f -> () -> f.fit(data, TrainingConfig.defaults().withLoss(Loss.MSE),
        TrainingListener.NONE));
    m.put("evaluate", f -> () -> f.evaluate(data, Loss.MSE));
    m.put("weights", f -> f::weights);
    m.put("setWeights", f -> () -> f.setWeights(RandomCase.randomWeights(spec(), 174)));
    m.put("checkpoint", f -> f::checkpoint);
    m.put("restore", f -> () -> f.restore(new Checkpoint(spec(),
        RandomCase.randomWeights(spec(), 175), ModelWeights.empty(), 0)));
    m.put("save", f -> () -> f.save(folder.resolve("closed.npz")));
    m.put("spec", f -> f::spec);
    m.put("backendName", f -> f::backendName);
    return m;
  }

  @TestFactory
  @DisplayName("every method after close() throws IllegalStateException")
  List<DynamicTest> useAfterClose() {
    List<DynamicTest> tests = new ArrayList<>();
    calls().forEach((name, call) -> tests.add(dynamicTest(name + " after close()", () -> {
      Forecaster f = kit().create(spec());
      f.close();
      assertThrows(IllegalStateException.class, call.apply(f),
          name + " on a closed forecaster must throw IllegalStateException");
    })));
    return tests;
  }
}
