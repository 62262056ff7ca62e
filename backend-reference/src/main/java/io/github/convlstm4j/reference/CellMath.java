package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.Activation;

/**
 * The element-wise math of the ConvLSTM cell as plain loops over contiguous ranges, written so
 * that HotSpot's C2 can vectorize them (straight-line float arithmetic, no calls, the
 * activation chosen once per range).
 *
 * <p>tanh is a rational approximation (the odd 13/6 minimax form used by Eigen's
 * {@code generic_fast_tanh_float}, input clamped to ±7.905311) evaluated in float; its error
 * against {@link Math#tanh} is below 1e-6 absolute over the whole line (tested), below the
 * rounding noise of the float convolutions around it. Sigmoid is {@code 0.5 + 0.5·tanh(x/2)}.
 * Hard sigmoid is exact.
 */
final class CellMath {
  private CellMath() {}

  static final float CLAMP = 7.90531110763549805f;
  static final float A1 = 4.89352455891786e-03f;
  static final float A3 = 6.37261928875436e-04f;
  static final float A5 = 1.48572235717979e-05f;
  static final float A7 = 5.12229709037114e-08f;
  static final float A9 = -8.60467152213735e-11f;
  static final float A11 = 2.00018790482477e-13f;
  static final float A13 = -2.76076847742355e-16f;
  static final float B0 = 4.89352518554385e-03f;
  static final float B2 = 2.26843463243900e-03f;
  static final float B4 = 1.18534705686654e-04f;
  static final float B6 = 1.19825839466702e-06f;

  /** The rational tanh of one value. */
  static float tanh(float v) {
    float x = Math.max(-CLAMP, Math.min(CLAMP, v));
    float x2 = x * x;
    float p = x2 * A13 + A11;
    p = p * x2 + A9;
    p = p * x2 + A7;
    p = p * x2 + A5;
    p = p * x2 + A3;
    p = p * x2 + A1;
    p = p * x;
    float q = x2 * B6 + B4;
    q = q * x2 + B2;
    q = q * x2 + B0;
    return p / q;
  }

  /** {@code a[off+j] = act(a[off+j] + bias[bOff+j])} for j in [0, n). */
  static void activate(Activation act, float[] a, int off, float[] bias, int bOff, int n) {
    switch (act) {
      case TANH:
        for (int j = 0; j < n; j++) {
          float x = Math.max(-CLAMP, Math.min(CLAMP, a[off + j] + bias[bOff + j]));
          float x2 = x * x;
          float p = x2 * A13 + A11;
          p = p * x2 + A9;
          p = p * x2 + A7;
          p = p * x2 + A5;
          p = p * x2 + A3;
          p = p * x2 + A1;
          p = p * x;
          float q = x2 * B6 + B4;
          q = q * x2 + B2;
          q = q * x2 + B0;
          a[off + j] = p / q;
        }
        break;
      case SIGMOID:
        for (int j = 0; j < n; j++) {
          float x = Math.max(-CLAMP, Math.min(CLAMP, 0.5f * (a[off + j] + bias[bOff + j])));
          float x2 = x * x;
          float p = x2 * A13 + A11;
          p = p * x2 + A9;
          p = p * x2 + A7;
          p = p * x2 + A5;
          p = p * x2 + A3;
          p = p * x2 + A1;
          p = p * x;
          float q = x2 * B6 + B4;
          q = q * x2 + B2;
          q = q * x2 + B0;
          a[off + j] = 0.5f + 0.5f * (p / q);
        }
        break;
      case HARD_SIGMOID:
        for (int j = 0; j < n; j++) {
          float x = a[off + j] + bias[bOff + j];
          a[off + j] = Math.min(1f, Math.max(0f, 0.2f * x + 0.5f));
        }
        break;
      case HARD_SIGMOID_KERAS3:
        for (int j = 0; j < n; j++) {
          a[off + j] = Act.apply(Activation.HARD_SIGMOID_KERAS3, a[off + j] + bias[bOff + j]);
        }
        break;
      case RELU:
        for (int j = 0; j < n; j++) {
          a[off + j] = Math.max(0f, a[off + j] + bias[bOff + j]);
        }
        break;
      case LINEAR:
        for (int j = 0; j < n; j++) {
          a[off + j] = a[off + j] + bias[bOff + j];
        }
        break;
      default:
        throw new AssertionError(act);
    }
  }

  /** {@code dst[dOff+j] = act(src[sOff+j])} for j in [0, n). */
  static void apply(Activation act, float[] src, int sOff, float[] dst, int dOff, int n) {
    switch (act) {
      case TANH:
        for (int j = 0; j < n; j++) {
          float x = Math.max(-CLAMP, Math.min(CLAMP, src[sOff + j]));
          float x2 = x * x;
          float p = x2 * A13 + A11;
          p = p * x2 + A9;
          p = p * x2 + A7;
          p = p * x2 + A5;
          p = p * x2 + A3;
          p = p * x2 + A1;
          p = p * x;
          float q = x2 * B6 + B4;
          q = q * x2 + B2;
          q = q * x2 + B0;
          dst[dOff + j] = p / q;
        }
        break;
      case RELU:
        for (int j = 0; j < n; j++) {
          dst[dOff + j] = Math.max(0f, src[sOff + j]);
        }
        break;
      case LINEAR:
        System.arraycopy(src, sOff, dst, dOff, n);
        break;
      default:
        for (int j = 0; j < n; j++) {
          dst[dOff + j] = Act.apply(act, src[sOff + j]);
        }
    }
  }

  /**
   * {@code d[dOff+j] *= act'(y[yOff+j])} where {@code y} holds the activation's outputs (see
   * {@link Act#derivativeFromOutput}).
   */
  static void multiplyDerivative(Activation act, float[] d, int dOff, float[] y, int yOff,
      int n) {
    switch (act) {
      case TANH:
        for (int j = 0; j < n; j++) {
          float v = y[yOff + j];
          d[dOff + j] *= 1f - v * v;
        }
        break;
      case SIGMOID:
        for (int j = 0; j < n; j++) {
          float v = y[yOff + j];
          d[dOff + j] *= v * (1f - v);
        }
        break;
      case HARD_SIGMOID:
        for (int j = 0; j < n; j++) {
          float v = y[yOff + j];
          d[dOff + j] *= v > 0f && v < 1f ? 0.2f : 0f;
        }
        break;
      case HARD_SIGMOID_KERAS3:
        for (int j = 0; j < n; j++) {
          d[dOff + j] *= Act.derivativeFromOutput(Activation.HARD_SIGMOID_KERAS3, y[yOff + j]);
        }
        break;
      case LINEAR:
        break;
      default:
        for (int j = 0; j < n; j++) {
          d[dOff + j] *= Act.derivativeFromOutput(act, y[yOff + j]);
        }
    }
  }
}
