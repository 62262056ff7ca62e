package io.github.convlstm4j.api;

import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded Keras initial weights for a {@link ModelSpec}, in Keras names and layouts.
 *
 * <ul>
 *   <li>kernels (every layer's {@code .../kernel}: ConvLSTM input, head, dense, conv2d and
 *       conv2d_transpose): glorot uniform, limit
 *       {@code sqrt(6 / (fan_in + fan_out))} with {@code fan_in = receptive · C_in} and
 *       {@code fan_out = receptive · C_out}
 *   <li>recurrent kernels: orthogonal on the {@code (kh·kw·F) × 4F} matrix: the Q factor, with
 *       a non-negative diagonal of R, of a standard normal {@code max × min} matrix, transposed
 *       when there are fewer rows than columns (modified Gram-Schmidt in double, two passes)
 *   <li>biases zeros, the forget slice {@code [F, 2F)} set to 1 with {@code unitForgetBias}
 *       (an encoder–forecaster's forecasting layers like the encoder layers they mirror; its
 *       1×1 output convolution's kernel glorot uniform, bias zeros)
 *   <li>batch normalization: gamma 1, beta 0, moving mean 0, moving variance 1
 * </ul>
 *
 * <p>Randomness: one {@link Random} seeded with {@link ModelSpec#seed()}, drawn in
 * {@link ModelSpec#weightShapes()} order, uniform values as
 * {@code (2·nextDouble() - 1)·limit}, normals from {@code nextGaussian()}, tensors filled in
 * C order.
 *
 * <p>Every backend starts from these weights, so the same spec and seed give bit-identical
 * initial weights on every backend.
 */
public final class KerasInitializers {

  private KerasInitializers() {}

  /**
   * The seeded Keras initial weights of a spec.
   *
   * @param spec the model; its {@link ModelSpec#seed()} seeds the draws
   * @return weights in {@link ModelSpec#weightShapes()} order and Keras layouts
   */
  public static ModelWeights initialWeights(ModelSpec spec) {
    java.util.Objects.requireNonNull(spec, "spec");
    Random random = new Random(spec.seed());
    ModelWeights.Builder b = ModelWeights.builder();
    List<ConvLstmLayerSpec> layers = spec.convLstmLayers();
    for (Map.Entry<String, List<Integer>> e : spec.weightShapes().entrySet()) {
      String name = e.getKey();
      List<Integer> shape = e.getValue();
      int size = shape.stream().mapToInt(Integer::intValue).reduce(1, (x, y) -> x * y);
      float[] v = new float[size];
      String part = name.substring(name.indexOf('/') + 1);
      if (part.equals("kernel")) { // every layer's kernel: ConvLSTM input, head, dense, conv2d
        glorotUniform(v, shape, random);
      } else if (part.equals("recurrent_kernel")) {
        orthogonal(v, shape, random);
      } else if (name.startsWith("conv_lstm2d_") && part.equals("bias")) {
        int layer = Integer.parseInt(name.substring("conv_lstm2d_".length(), name.indexOf('/')));
        ConvLstmLayerSpec l = layers.get(layer);
        if (l.unitForgetBias()) {
          for (int i = l.filters(); i < 2 * l.filters(); i++) {
            v[i] = 1f;
          }
        }
      } else if (name.startsWith(EncoderForecasterSpec.FORECASTER_KIND + "_")
          && part.equals("bias")) {
        int layer = Integer.parseInt(name.substring(
            EncoderForecasterSpec.FORECASTER_KIND.length() + 1, name.indexOf('/')));
        ConvLstmLayerSpec l = layers.get(layer); // the mirrored encoder layer
        if (l.unitForgetBias()) {
          for (int i = l.filters(); i < 2 * l.filters(); i++) {
            v[i] = 1f;
          }
        }
      } else if (part.equals("gamma") || part.equals("moving_variance")) {
        java.util.Arrays.fill(v, 1f);
      }
      b.put(name, Tensor.of(shape, v));
    }
    return b.build();
  }

  private static void glorotUniform(float[] v, List<Integer> shape, Random random) {
    int rank = shape.size();
    long receptive = 1;
    for (int i = 0; i < rank - 2; i++) {
      receptive *= shape.get(i);
    }
    double fanIn = receptive * shape.get(rank - 2);
    double fanOut = receptive * shape.get(rank - 1);
    double limit = Math.sqrt(6.0 / (fanIn + fanOut));
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((2 * random.nextDouble() - 1) * limit);
    }
  }

  private static void orthogonal(float[] v, List<Integer> shape, Random random) {
    int cols = shape.get(shape.size() - 1);
    int rows = v.length / cols;
    int n = Math.max(rows, cols);
    int k = Math.min(rows, cols);
    double[][] a = new double[k][n]; // column-major: a[j] is column j of the n × k matrix
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        a[j][i] = random.nextGaussian();
      }
    }
    // Modified Gram-Schmidt with one re-orthogonalization pass: Q with orthonormal columns, R
    // with a positive diagonal (so Keras' sign correction leaves Q as is).
    for (int j = 0; j < k; j++) {
      double[] col = a[j];
      for (int pass = 0; pass < 2; pass++) {
        for (int p = 0; p < j; p++) {
          double dot = 0;
          for (int i = 0; i < n; i++) {
            dot += a[p][i] * col[i];
          }
          for (int i = 0; i < n; i++) {
            col[i] -= dot * a[p][i];
          }
        }
        double norm = 0;
        for (double x : col) {
          norm += x * x;
        }
        norm = Math.sqrt(norm);
        if (norm == 0) {
          throw new IllegalStateException("degenerate random matrix in orthogonal initializer");
        }
        for (int i = 0; i < n; i++) {
          col[i] /= norm;
        }
      }
    }
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        // rows >= cols: Q is rows × cols, element (r, c) = column c, row r; else transpose.
        v[r * cols + c] = (float) (rows >= cols ? a[c][r] : a[r][c]);
      }
    }
  }
}
