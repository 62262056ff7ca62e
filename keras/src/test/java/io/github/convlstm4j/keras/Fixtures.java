package io.github.convlstm4j.keras;

import io.github.convlstm4j.api.Tensor;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** The committed fixtures of keras/src/test/python/make_fixtures.py and its value formula. */
final class Fixtures {
  private Fixtures() {}

  static Path path(String name) {
    try {
      return Path.of(Fixtures.class.getResource("/keras/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new AssertionError("missing fixture " + name, e);
    }
  }

  /**
   * The script's value(k, shape): tensor k (0-based in file order) holds at flat index i
   * ((7 i + 13 k) mod 29 - 14) / 16; moving variances |v| + 0.5. Recomputed here from the
   * formula, not read from the files.
   */
  static Tensor value(int k, List<Integer> shape, boolean positive) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      double x = ((7L * i + 13L * k) % 29 - 14) / 16.0;
      v[i] = (float) (positive ? Math.abs(x) + 0.5 : x);
    }
    return Tensor.of(shape, v);
  }

  /** The script's model_input: ((5 i) mod 17 - 8) / 8. */
  static float[] input(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (((5L * i) % 17 - 8) / 8.0);
    }
    return v;
  }
}
