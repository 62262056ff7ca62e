package io.github.convlstm4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DjlSmokeTest {
  @Test
  void predictsOnSeedModel() {
    try (Forecaster f = TestModels.pytorch(ModelSpec.kerasMovingSquares())) {
      FrameSequence in = TestModels.randomSequence(new Random(1), 3, 8, 8, 1);
      FrameSequence out = f.predict(in);
      assertEquals(3, out.frames());
      System.out.println(out.get(0, 0, 0, 0) + " " + f);
    }
  }
}
