package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.ModelSpec;
import java.util.Random;

/**
 * Keras initializers, seeded. One {@code java.util.Random(spec.seed())} is consumed in this
 * documented order: for each layer i = 0, 1, …: its kernel (glorot-uniform, one
 * {@code nextDouble()} per element in C order), then its recurrent kernel (orthogonal, one
 * {@code nextGaussian()} per element of the {@code max(r,c) × min(r,c)} matrix in row-major
 * order); then the head kernel (glorot-uniform). Biases start at zero with the forget slice
 * {@code [F, 2F)} set to 1.0 under {@code unitForgetBias}; batch normalization starts at
 * gamma 1, beta 0, moving mean 0, moving variance 1; the head bias at 0.
 */
final class Initializers {
  private Initializers() {}

  /** Initializes all parameters of a network built for {@code spec}. */
  static void initialize(ModelSpec spec, Parameters p) {
    Random rng = new Random(spec.seed());
    int cin = spec.inputChannels();
    for (int i = 0; i < spec.layers().size(); i++) {
      ConvLstmLayerSpec l = spec.layers().get(i);
      int f = l.filters();
      int taps = l.kernelHeight() * l.kernelWidth();
      glorotUniform(rng, p.get(ModelSpec.kernelName(i)).value, taps * cin, taps * 4 * f);
      orthogonal(rng, p.get(ModelSpec.recurrentKernelName(i)).value, taps * f, 4 * f);
      if (l.useBias()) {
        float[] b = p.get(ModelSpec.biasName(i)).value;
        java.util.Arrays.fill(b, 0f);
        if (l.unitForgetBias()) {
          java.util.Arrays.fill(b, f, 2 * f, 1f);
        }
      }
      if (l.batchNormalization()) {
        java.util.Arrays.fill(p.get(ModelSpec.batchNormName(i, "gamma")).value, 1f);
        java.util.Arrays.fill(p.get(ModelSpec.batchNormName(i, "beta")).value, 0f);
        java.util.Arrays.fill(p.get(ModelSpec.batchNormName(i, "moving_mean")).value, 0f);
        java.util.Arrays.fill(p.get(ModelSpec.batchNormName(i, "moving_variance")).value, 1f);
      }
      cin = f;
    }
    spec.head().ifPresent(h -> {
      int taps = h.kernelTime() * h.kernelHeight() * h.kernelWidth();
      int c = spec.layers().get(spec.layers().size() - 1).filters();
      glorotUniform(rng, p.get(ModelSpec.HEAD_KERNEL).value, taps * c, taps * h.filters());
      java.util.Arrays.fill(p.get(ModelSpec.HEAD_BIAS).value, 0f);
    });
  }

  /** Uniform in {@code [-limit, limit)} with {@code limit = sqrt(6 / (fanIn + fanOut))}. */
  static void glorotUniform(Random rng, float[] out, int fanIn, int fanOut) {
    double limit = Math.sqrt(6.0 / (fanIn + fanOut));
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
    }
  }

  /**
   * Keras {@code Orthogonal(gain=1)} for a {@code rows × cols} matrix written row-major into
   * {@code out}: a standard normal matrix of shape {@code (max, min)}, its thin QR
   * decomposition, Q's columns multiplied by the signs of R's diagonal, transposed if
   * {@code rows < cols}. The QR is modified Gram–Schmidt in double, applied twice for
   * orthogonality to rounding; its R has a positive diagonal, so the sign step leaves Q as is,
   * which is also what the sign step produces from LAPACK's Householder QR.
   */
  static void orthogonal(Random rng, float[] out, int rows, int cols) {
    int big = Math.max(rows, cols);
    int small = Math.min(rows, cols);
    double[][] a = new double[small][big]; // column-major: a[j] is column j
    for (int i = 0; i < big; i++) {
      for (int j = 0; j < small; j++) {
        a[j][i] = rng.nextGaussian();
      }
    }
    double[] rDiag = gramSchmidt(a);
    for (int j = 0; j < small; j++) {
      double s = Math.signum(rDiag[j]);
      for (int i = 0; i < big; i++) {
        a[j][i] *= s == 0 ? 1 : s;
      }
    }
    for (int i = 0; i < big; i++) {
      for (int j = 0; j < small; j++) {
        if (rows >= cols) {
          out[i * cols + j] = (float) a[j][i]; // Q itself, rows × cols
        } else {
          out[j * cols + i] = (float) a[j][i]; // Q transposed
        }
      }
    }
  }

  /**
   * Orthonormalizes the columns in place (modified Gram–Schmidt with one re-orthogonalization
   * pass) and returns R's diagonal.
   */
  static double[] gramSchmidt(double[][] q) {
    int n = q.length;
    double[] diag = new double[n];
    for (int j = 0; j < n; j++) {
      double[] v = q[j];
      double rjj = 1;
      for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < j; k++) {
          double dot = 0;
          for (int i = 0; i < v.length; i++) {
            dot += q[k][i] * v[i];
          }
          for (int i = 0; i < v.length; i++) {
            v[i] -= dot * q[k][i];
          }
        }
        double norm = 0;
        for (double x : v) {
          norm += x * x;
        }
        norm = Math.sqrt(norm);
        if (norm == 0) {
          throw new IllegalStateException("degenerate random matrix in orthogonal initializer");
        }
        for (int i = 0; i < v.length; i++) {
          v[i] /= norm;
        }
        rjj *= norm;
      }
      diag[j] = rjj;
    }
    return diag;
  }
}
