package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link CellOps} with the Vector API: per position, one pass over the {@code F} filters in
 * vectors of {@link FloatVector#SPECIES_PREFERRED} lanes (the last {@code F mod lanes} filters
 * as scalars), all four gates, the cell update and the output together while they are in
 * registers. The same float operations in the same order as {@link ScalarCellOps} (tanh is
 * {@link CellMath}'s rational form, no fused multiply-add), so the results are identical.
 *
 * <p>Load only when the JVM runs with {@code --add-modules jdk.incubator.vector} (see
 * {@link CellOps#vector()}).
 */
final class VectorCellOps implements CellOps {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private static final float CLAMP = 7.90531110763549805f;
  private static final float A1 = 4.89352455891786e-03f;
  private static final float A3 = 6.37261928875436e-04f;
  private static final float A5 = 1.48572235717979e-05f;
  private static final float A7 = 5.12229709037114e-08f;
  private static final float A9 = -8.60467152213735e-11f;
  private static final float A11 = 2.00018790482477e-13f;
  private static final float A13 = -2.76076847742355e-16f;
  private static final float B0 = 4.89352518554385e-03f;
  private static final float B2 = 2.26843463243900e-03f;
  private static final float B4 = 1.18534705686654e-04f;
  private static final float B6 = 1.19825839466702e-06f;

  VectorCellOps() {}

  @Override
  public String name() {
    return "vector-" + (L * 32);
  }

  // ------------------------------------------------------------------ forward

  @Override
  public void forward(Activation ra, Activation act, int f, float[] bias, float[] gates,
      int gOff, float[] cells, int cOff, int cPrev, float[] hs, int hOff, int from, int to) {
    int g = 4 * f;
    int fv = f - f % L;
    boolean hard = ra == Activation.HARD_SIGMOID;
    for (int p = from; p < to; p++) {
      int gp = gOff + p * g;
      int fp = p * f;
      int c = cOff + fp;
      int h = hOff + fp;
      for (int j = 0; j < fv; j += L) {
        FloatVector vi = FloatVector.fromArray(S, gates, gp + j)
            .add(FloatVector.fromArray(S, bias, j));
        FloatVector vf = FloatVector.fromArray(S, gates, gp + f + j)
            .add(FloatVector.fromArray(S, bias, f + j));
        FloatVector vc = FloatVector.fromArray(S, gates, gp + 2 * f + j)
            .add(FloatVector.fromArray(S, bias, 2 * f + j));
        FloatVector vo = FloatVector.fromArray(S, gates, gp + 3 * f + j)
            .add(FloatVector.fromArray(S, bias, 3 * f + j));
        vi = hard ? hardSigmoid(vi) : sigmoid(vi);
        vf = hard ? hardSigmoid(vf) : sigmoid(vf);
        vo = hard ? hardSigmoid(vo) : sigmoid(vo);
        vc = activation(act, vc);
        vi.intoArray(gates, gp + j);
        vf.intoArray(gates, gp + f + j);
        vc.intoArray(gates, gp + 2 * f + j);
        vo.intoArray(gates, gp + 3 * f + j);
        FloatVector cell = cPrev < 0 ? vi.mul(vc)
            : vf.mul(FloatVector.fromArray(S, cells, cPrev + fp + j)).add(vi.mul(vc));
        cell.intoArray(cells, c + j);
        vo.mul(activation(act, cell)).intoArray(hs, h + j);
      }
      for (int j = fv; j < f; j++) {
        float vi = scalar(ra, gates[gp + j] + bias[j]);
        float vf = scalar(ra, gates[gp + f + j] + bias[f + j]);
        float vc = scalar(act, gates[gp + 2 * f + j] + bias[2 * f + j]);
        float vo = scalar(ra, gates[gp + 3 * f + j] + bias[3 * f + j]);
        gates[gp + j] = vi;
        gates[gp + f + j] = vf;
        gates[gp + 2 * f + j] = vc;
        gates[gp + 3 * f + j] = vo;
        float cell = cPrev < 0 ? vi * vc : vf * cells[cPrev + fp + j] + vi * vc;
        cells[c + j] = cell;
        hs[h + j] = vo * scalar(act, cell);
      }
    }
  }

  // ------------------------------------------------------------------ backward

  @Override
  public void backward(Activation ra, Activation act, int f, float[] gates, int gOff,
      float[] cells, int cOff, int cPrev, float[] dh, float[] dOut, int dOutOff, float[] dc,
      float[] dz, int from, int to) {
    int g = 4 * f;
    int fv = f - f % L;
    boolean hard = ra == Activation.HARD_SIGMOID;
    boolean linear = act == Activation.LINEAR;
    for (int p = from; p < to; p++) {
      int gp = gOff + p * g;
      int fp = p * f;
      for (int j = 0; j < fv; j += L) {
        FloatVector vi = FloatVector.fromArray(S, gates, gp + j);
        FloatVector vf = FloatVector.fromArray(S, gates, gp + f + j);
        FloatVector vc = FloatVector.fromArray(S, gates, gp + 2 * f + j);
        FloatVector vo = FloatVector.fromArray(S, gates, gp + 3 * f + j);
        FloatVector actc = activation(act, FloatVector.fromArray(S, cells, cOff + fp + j));
        FloatVector dH = FloatVector.fromArray(S, dh, fp + j);
        dH = dH.add(dOutOff < 0 ? FloatVector.zero(S)
            : FloatVector.fromArray(S, dOut, dOutOff + fp + j));
        FloatVector dzo = dH.mul(actc);
        FloatVector tmp = dH.mul(vo);
        if (!linear) {
          tmp = tmp.mul(derivative(act, actc));
        }
        FloatVector dct = FloatVector.fromArray(S, dc, fp + j).add(tmp);
        FloatVector dzi = dct.mul(vc);
        FloatVector dzc = dct.mul(vi);
        dct.mul(vf).intoArray(dc, fp + j);
        FloatVector dzf = cPrev < 0 ? FloatVector.zero(S)
            : dct.mul(FloatVector.fromArray(S, cells, cPrev + fp + j));
        dzi = dzi.mul(hard ? hardSigmoidDerivative(vi) : sigmoidDerivative(vi));
        dzf = dzf.mul(hard ? hardSigmoidDerivative(vf) : sigmoidDerivative(vf));
        if (!linear) {
          dzc = dzc.mul(derivative(act, vc));
        }
        dzo = dzo.mul(hard ? hardSigmoidDerivative(vo) : sigmoidDerivative(vo));
        dzi.intoArray(dz, gp + j);
        dzf.intoArray(dz, gp + f + j);
        dzc.intoArray(dz, gp + 2 * f + j);
        dzo.intoArray(dz, gp + 3 * f + j);
      }
      for (int j = fv; j < f; j++) {
        float vi = gates[gp + j];
        float vf = gates[gp + f + j];
        float vc = gates[gp + 2 * f + j];
        float vo = gates[gp + 3 * f + j];
        float actc = scalar(act, cells[cOff + fp + j]);
        float dH = dh[fp + j] + (dOutOff < 0 ? 0f : dOut[dOutOff + fp + j]);
        float dzo = dH * actc;
        float tmp = dH * vo;
        if (!linear) {
          tmp = tmp * Act.derivativeFromOutput(act, actc);
        }
        float dct = dc[fp + j] + tmp;
        float dzi = dct * vc;
        float dzc = dct * vi;
        dc[fp + j] = dct * vf;
        float dzf = cPrev < 0 ? 0f : dct * cells[cPrev + fp + j];
        dz[gp + j] = dzi * Act.derivativeFromOutput(ra, vi);
        dz[gp + f + j] = dzf * Act.derivativeFromOutput(ra, vf);
        dz[gp + 2 * f + j] = linear ? dzc : dzc * Act.derivativeFromOutput(act, vc);
        dz[gp + 3 * f + j] = dzo * Act.derivativeFromOutput(ra, vo);
      }
    }
  }

  // ------------------------------------------------------------------ col2im

  @Override
  public void col2im(float[] cols, int h, int w, int c, int kh, int kw, int padTop,
      int padLeft, int ho, int wo, float[] dIn, int dOff, int from, int to) {
    int k = kh * kw * c;
    int cv = c - c % L;
    int[] src = new int[kh * kw];
    for (int fy = from; fy < to; fy++) {
      int f = fy / h;
      int iy = fy - f * h;
      for (int ix = 0; ix < w; ix++) {
        int dst = dOff + ((f * h + iy) * w + ix) * c;
        int taps = 0;
        for (int dy = 0; dy < kh; dy++) {
          int oy = iy - dy + padTop;
          if (oy < 0 || oy >= ho) {
            continue;
          }
          for (int dx = 0; dx < kw; dx++) {
            int ox = ix - dx + padLeft;
            if (ox >= 0 && ox < wo) {
              src[taps++] = ((f * ho + oy) * wo + ox) * k + (dy * kw + dx) * c;
            }
          }
        }
        for (int ch = 0; ch < cv; ch += L) {
          FloatVector acc = FloatVector.zero(S);
          for (int q = 0; q < taps; q++) {
            acc = acc.add(FloatVector.fromArray(S, cols, src[q] + ch));
          }
          acc.intoArray(dIn, dst + ch);
        }
        for (int ch = cv; ch < c; ch++) {
          float acc = 0f;
          for (int q = 0; q < taps; q++) {
            acc += cols[src[q] + ch];
          }
          dIn[dst + ch] = acc;
        }
      }
    }
  }

  // ------------------------------------------------------------------ activations

  /** One value, as {@link CellMath#activate} and {@link CellMath#apply} compute it. */
  private static float scalar(Activation a, float x) {
    switch (a) {
      case TANH:
        return CellMath.tanh(x);
      case SIGMOID:
        return 0.5f + 0.5f * CellMath.tanh(0.5f * x);
      case HARD_SIGMOID:
        return Math.min(1f, Math.max(0f, 0.2f * x + 0.5f));
      case RELU:
        return Math.max(0f, x);
      case LINEAR:
        return x;
      default:
        throw new AssertionError(a);
    }
  }

  /** The cell activation: TANH, RELU or LINEAR (the only ones a layer spec allows). */
  private static FloatVector activation(Activation a, FloatVector x) {
    if (a == Activation.TANH) {
      return tanh(x);
    }
    if (a == Activation.RELU) {
      return x.max(0f);
    }
    return x;
  }

  /** The derivative factor of TANH or RELU from the output {@code y}. */
  private static FloatVector derivative(Activation a, FloatVector y) {
    if (a == Activation.TANH) {
      return FloatVector.broadcast(S, 1f).sub(y.mul(y));
    }
    VectorMask<Float> positive = y.compare(VectorOperators.GT, 0f);
    return FloatVector.zero(S).blend(1f, positive);
  }

  private static FloatVector hardSigmoid(FloatVector x) {
    return x.mul(0.2f).add(0.5f).max(0f).min(1f);
  }

  private static FloatVector sigmoid(FloatVector x) {
    return tanh(x.mul(0.5f)).mul(0.5f).add(0.5f);
  }

  private static FloatVector hardSigmoidDerivative(FloatVector y) {
    VectorMask<Float> inside = y.compare(VectorOperators.GT, 0f)
        .and(y.compare(VectorOperators.LT, 1f));
    return FloatVector.zero(S).blend(0.2f, inside);
  }

  private static FloatVector sigmoidDerivative(FloatVector y) {
    return y.mul(FloatVector.broadcast(S, 1f).sub(y));
  }

  /** {@link CellMath#tanh} on every lane, operation for operation. */
  private static FloatVector tanh(FloatVector v) {
    FloatVector x = v.min(CLAMP).max(-CLAMP);
    FloatVector x2 = x.mul(x);
    FloatVector p = x2.mul(A13).add(A11);
    p = p.mul(x2).add(A9);
    p = p.mul(x2).add(A7);
    p = p.mul(x2).add(A5);
    p = p.mul(x2).add(A3);
    p = p.mul(x2).add(A1);
    p = p.mul(x);
    FloatVector q = x2.mul(B6).add(B4);
    q = q.mul(x2).add(B2);
    q = q.mul(x2).add(B0);
    return p.div(q);
  }
}
