package io.github.convlstm4j.djl;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.spi.BackendOptions;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Shared helpers of the DJL tests. */
final class TestModels {

  private TestModels() {}

  static Forecaster pytorch(ModelSpec spec) {
    return new DjlPytorchProvider().create(spec, BackendOptions.defaults().withThreads(2));
  }

  static Forecaster mxnet(ModelSpec spec) {
    return new DjlMxnetProvider().create(spec, BackendOptions.defaults().withThreads(2));
  }

  /** Uniform random values in [-scale, scale]. */
  static float[] random(Random r, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((2 * r.nextDouble() - 1) * scale);
    }
    return v;
  }

  static FrameSequence randomSequence(Random r, int t, int h, int w, int c) {
    return FrameSequence.of(t, h, w, c, random(r, t * h * w * c, 1.0));
  }

  /** Random weights for a spec; moving variances positive. */
  static ModelWeights randomWeights(ModelSpec spec, long seed, double scale) {
    Random r = new Random(seed);
    ModelWeights.Builder b = ModelWeights.builder();
    for (Map.Entry<String, List<Integer>> e : spec.weightShapes().entrySet()) {
      int n = e.getValue().stream().mapToInt(Integer::intValue).reduce(1, (x, y) -> x * y);
      float[] v = random(r, n, scale);
      if (e.getKey().endsWith("moving_variance") || e.getKey().endsWith("gamma")) {
        for (int i = 0; i < n; i++) {
          v[i] = 0.5f + Math.abs(v[i]);
        }
      }
      b.put(e.getKey(), Tensor.of(e.getValue(), v));
    }
    return b.build();
  }

  /** Weights from explicit values per name (all names of the spec needed). */
  static ModelWeights weights(ModelSpec spec, Map<String, float[]> values) {
    ModelWeights.Builder b = ModelWeights.builder();
    for (Map.Entry<String, List<Integer>> e : spec.weightShapes().entrySet()) {
      b.put(e.getKey(), Tensor.of(e.getValue(), values.get(e.getKey())));
    }
    return b.build();
  }
}
