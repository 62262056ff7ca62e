package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.reference.kernel.MatMuls;
import io.github.convlstm4j.spi.BackendOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Shared helpers for the reference backend tests. */
final class TestSupport {
  private TestSupport() {}

  /**
   * Two ConvLSTM(16, 3x3) layers each with batch normalization and a CAUSAL 3x3x3 sigmoid head
   * (the shape of the samples' CPU preset).
   */
  static ModelSpec smallBatchNormModel() {
    ModelSpec.Builder b = ModelSpec.builder(1);
    for (int i = 0; i < 2; i++) {
      b.addLayer(ConvLstmLayerSpec.of(16)).addLayer(BatchNormSpec.keras());
    }
    return b.addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL))
        .build();
  }

  static ReferenceForecaster forecaster(ModelSpec spec) {
    return forecaster(spec, 1);
  }

  static ReferenceForecaster forecaster(ModelSpec spec, int threads) {
    return new ReferenceForecaster(spec, new BackendOptions(threads, "auto"),
        MatMuls.best(threads));
  }

  static ReferenceForecaster forecaster(ModelSpec spec, ConvolutionAlgorithm convolution) {
    return new ReferenceForecaster(spec, new BackendOptions(1, "auto"), MatMuls.best(1),
        convolution);
  }

  /** Uniform values in [lo, hi). */
  static FrameSequence random(Random r, int t, int h, int w, int c, double lo, double hi) {
    float[] d = new float[t * h * w * c];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return FrameSequence.of(t, h, w, c, d);
  }

  static List<FrameSequence> randomBatch(Random r, int n, int t, int h, int w, int c, double lo,
      double hi) {
    List<FrameSequence> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(random(r, t, h, w, c, lo, hi));
    }
    return l;
  }
}
