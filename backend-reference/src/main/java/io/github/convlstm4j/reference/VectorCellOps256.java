package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link CellOps} with the Vector API on {@code FloatVector.SPECIES_256}: per position, one pass
 * over the {@code F} filters in vectors of 256 bits (the last {@code F mod lanes} filters as
 * scalars, or with one overlapping vector in the hard-sigmoid and {@code H = o⊙tanh(C)}
 * passes, the candidate gate's tanh and the Winograd input transform: see
 * {@code overlappingTail}), all four gates, the cell update and the output
 * together while they are in registers. The same float operations in the same order as
 * {@link ScalarCellOps} (tanh is {@link CellMath}'s rational form, no fused multiply-add), so
 * the results are identical.
 *
 * <p>One class per width (the name ends in the bit count), chosen by {@link CellOps#forKernel}
 * to match the matrix kernel's width: with the species a {@code static final} constant C2
 * compiles the operations into vector instructions, and a network whose element-wise work ran
 * on another width than its GEMM tiles (as the preferred species did before) made JDK 17 box
 * vectors in both: a seed training step with the tiles forced narrower than the machine's
 * preferred width took 25-67 s instead of about 2.6 (docs/PERFORMANCE.md, session 11). The
 * three files are one source with the bit size changed ({@code VectorTwinsTest} checks that they
 * differ in nothing else): edit this width's file, then regenerate the other two with the
 * {@code sed} command in {@code VectorTwinsTest}.
 *
 * <p>Load only when the JVM runs with {@code --add-modules jdk.incubator.vector} (see
 * {@link CellOps#vector(int)}).
 */
final class VectorCellOps256 implements CellOps {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  private static final int L = S.length();

  // The rational tanh uses CellMath's clamp and coefficients, so both paths stay identical.

  VectorCellOps256() {}

  @Override
  public String name() {
    return "vector-" + (L * 32);
  }

  // ------------------------------------------------------------------ forward

  // Each pass below is a small method with its own loop over the filters: one big loop body
  // exceeds C2's inlining node budget (NodeCountInliningCutoff), and a vector handed to a
  // method that is not inlined is boxed on the heap. So no method here takes or returns a
  // vector (not even tanh: it reads and writes arrays, see tanh(float[], ...)), and
  // VectorSignatureTest keeps it so. No vector value is merged from two branches either
  // (that boxes too); a row of one position stays in L1 between passes.

  @Override
  public void forward(Activation ra, Activation act, int f, float[] bias, float[] gates,
      int gOff, float[] cells, int cOff, int cPrev, float[] hs, int hOff, int from, int to) {
    int g = 4 * f;
    boolean hard = ra == Activation.HARD_SIGMOID;
    boolean hard3 = ra == Activation.HARD_SIGMOID_KERAS3;
    for (int p = from; p < to; p++) {
      int gp = gOff + p * g;
      int fp = p * f;
      for (int q = 0; q < 4; q++) {
        if (q == 2) {
          activate(act, gates, gp + 2 * f, bias, 2 * f, f, hs, hOff + fp);
        } else if (hard) {
          hardSigmoid(gates, gp + q * f, bias, q * f, f);
        } else if (hard3) {
          hardSigmoidKeras3(gates, gp + q * f, bias, q * f, f);
        } else {
          sigmoid(gates, gp + q * f, bias, q * f, f);
        }
      }
      if (cPrev < 0) {
        firstCell(gates, gp, cells, cOff + fp, f);
      } else {
        nextCell(gates, gp, cells, cOff + fp, cPrev + fp, f);
      }
      output(act, gates, gp + 3 * f, cells, cOff + fp, hs, hOff + fp, f);
    }
  }

  @Override
  public void normalize(float[] x, int off, int f, float[] center, float[] scale,
      float[] shift, int from, int to) {
    int nv = f - f % L;
    int t = overlappingTail(f);
    for (int r = from; r < to; r++) {
      int p = off + r * f;
      for (int j = 0; j < (t < 0 ? nv : nv - L); j += L) {
        FloatVector.fromArray(S, x, p + j).sub(FloatVector.fromArray(S, center, j))
            .mul(FloatVector.fromArray(S, scale, j)).add(FloatVector.fromArray(S, shift, j))
            .intoArray(x, p + j);
      }
      if (t >= 0) {
        // In place: the last whole vector and the one ending at f, both read before either
        // is written.
        int k = nv - L;
        FloatVector y = FloatVector.fromArray(S, x, p + k)
            .sub(FloatVector.fromArray(S, center, k))
            .mul(FloatVector.fromArray(S, scale, k)).add(FloatVector.fromArray(S, shift, k));
        FloatVector z = FloatVector.fromArray(S, x, p + t)
            .sub(FloatVector.fromArray(S, center, t))
            .mul(FloatVector.fromArray(S, scale, t)).add(FloatVector.fromArray(S, shift, t));
        y.intoArray(x, p + k);
        z.intoArray(x, p + t);
        continue;
      }
      for (int c = nv; c < f; c++) {
        x[p + c] = (x[p + c] - center[c]) * scale[c] + shift[c];
      }
    }
  }

  @Override
  public void hidden(Activation act, int f, float[] gates, int gOff, float[] cells, int cOff,
      float[] hs, int hOff, int from, int to) {
    for (int p = from; p < to; p++) {
      output(act, gates, gOff + p * 4 * f + 3 * f, cells, cOff + p * f, hs, hOff + p * f, f);
    }
  }

  /** {@code a[off+j] = hardSigmoid(a[off+j] + b[bOff+j])}. */
  private static void hardSigmoid(float[] a, int off, float[] b, int bOff, int n) {
    int nv = n - n % L;
    int t = overlappingTail(n);
    for (int j = 0; j < (t < 0 ? nv : nv - L); j += L) {
      FloatVector x = FloatVector.fromArray(S, a, off + j)
          .add(FloatVector.fromArray(S, b, bOff + j));
      x.mul(0.2f).add(0.5f).max(0f).min(1f).intoArray(a, off + j);
    }
    if (t >= 0) {
      // The last whole vector and the one ending at n, both read before either is written.
      int k = nv - L;
      FloatVector x = FloatVector.fromArray(S, a, off + k)
          .add(FloatVector.fromArray(S, b, bOff + k));
      FloatVector y = FloatVector.fromArray(S, a, off + t)
          .add(FloatVector.fromArray(S, b, bOff + t));
      x.mul(0.2f).add(0.5f).max(0f).min(1f).intoArray(a, off + k);
      y.mul(0.2f).add(0.5f).max(0f).min(1f).intoArray(a, off + t);
      return;
    }
    for (int j = nv; j < n; j++) {
      a[off + j] = scalar(Activation.HARD_SIGMOID, a[off + j] + b[bOff + j]);
    }
  }

  /**
   * Where the vector that ends at element {@code n} starts, when {@code n} is at least one
   * vector long but not a whole number of vectors; else -1. A pass that has one does its last
   * {@code n mod lanes} elements with that vector instead of scalar code (with 16 lanes and
   * F = 40, the scalar tail was a fifth of the elements and most of the passes' time). The
   * vector overlaps the last whole one; each lane computes the same float operations as the
   * scalar code would, so both give the overlapped lanes the same value. An in-place pass
   * therefore reads both vectors before it writes either.
   */
  private static int overlappingTail(int n) {
    return n % L != 0 && n > L ? n - L : -1;
  }

  /** {@code a[off+j] = min(max(a[off+j] + b[bOff+j] + 3, 0), 6) / 6} (Keras 3). */
  private static void hardSigmoidKeras3(float[] a, int off, float[] b, int bOff, int n) {
    int nv = n - n % L;
    for (int j = 0; j < nv; j += L) {
      FloatVector x = FloatVector.fromArray(S, a, off + j)
          .add(FloatVector.fromArray(S, b, bOff + j));
      x.add(3f).max(0f).min(6f).div(6f).intoArray(a, off + j);
    }
    for (int j = nv; j < n; j++) {
      a[off + j] = scalar(Activation.HARD_SIGMOID_KERAS3, a[off + j] + b[bOff + j]);
    }
  }

  /** {@code a[off+j] = sigmoid(a[off+j] + b[bOff+j])} through the rational tanh. */
  private static void sigmoid(float[] a, int off, float[] b, int bOff, int n) {
    int nv = n - n % L;
    for (int j = 0; j < nv; j += L) {
      FloatVector.fromArray(S, a, off + j).add(FloatVector.fromArray(S, b, bOff + j))
          .mul(0.5f).intoArray(a, off + j);
    }
    tanh(a, off, a, off, nv);
    for (int j = 0; j < nv; j += L) {
      FloatVector.fromArray(S, a, off + j).mul(0.5f).add(0.5f).intoArray(a, off + j);
    }
    for (int j = nv; j < n; j++) {
      a[off + j] = scalar(Activation.SIGMOID, a[off + j] + b[bOff + j]);
    }
  }

  /**
   * {@code a[off+j] = act(a[off+j] + b[bOff+j])} for TANH, RELU or LINEAR. With TANH and a tail
   * (see {@code overlappingTail}) the sums go to {@code scratch[sOff + j]} first, {@code n}
   * floats that the caller overwrites afterwards (the position's H row: {@code output} writes
   * all of it), and one tanh brings them back, the tail included.
   */
  private static void activate(Activation act, float[] a, int off, float[] b, int bOff,
      int n, float[] scratch, int sOff) {
    int nv = n - n % L;
    boolean viaScratch = act == Activation.TANH && overlappingTail(n) >= 0;
    float[] x = viaScratch ? scratch : a;
    int xOff = viaScratch ? sOff : off;
    for (int j = 0; j < nv; j += L) {
      FloatVector v = FloatVector.fromArray(S, a, off + j)
          .add(FloatVector.fromArray(S, b, bOff + j));
      if (act == Activation.RELU) {
        v.max(0f).intoArray(a, off + j);
      } else {
        v.intoArray(x, xOff + j);
      }
    }
    if (viaScratch) {
      // The sums into the scratch row (the tail's with the same float additions), then one
      // tanh from there back into a, its last vector overlapping (the rows do not overlap).
      for (int j = nv; j < n; j++) {
        scratch[sOff + j] = a[off + j] + b[bOff + j];
      }
      tanh(scratch, sOff, a, off, n);
      return;
    }
    if (act == Activation.TANH) {
      tanh(a, off, a, off, nv);
    }
    for (int j = nv; j < n; j++) {
      a[off + j] = scalar(act, a[off + j] + b[bOff + j]);
    }
  }

  /** {@code C = i⊙act(c̃)} (first step). */
  private static void firstCell(float[] gates, int gp, float[] cells, int c, int f) {
    int nv = f - f % L;
    for (int j = 0; j < nv; j += L) {
      FloatVector.fromArray(S, gates, gp + j)
          .mul(FloatVector.fromArray(S, gates, gp + 2 * f + j)).intoArray(cells, c + j);
    }
    for (int j = nv; j < f; j++) {
      cells[c + j] = gates[gp + j] * gates[gp + 2 * f + j];
    }
  }

  /** {@code C = f⊙C_{t-1} + i⊙act(c̃)}. */
  private static void nextCell(float[] gates, int gp, float[] cells, int c, int cp, int f) {
    int nv = f - f % L;
    for (int j = 0; j < nv; j += L) {
      FloatVector fc = FloatVector.fromArray(S, gates, gp + f + j)
          .mul(FloatVector.fromArray(S, cells, cp + j));
      FloatVector ic = FloatVector.fromArray(S, gates, gp + j)
          .mul(FloatVector.fromArray(S, gates, gp + 2 * f + j));
      fc.add(ic).intoArray(cells, c + j);
    }
    for (int j = nv; j < f; j++) {
      cells[c + j] = gates[gp + f + j] * cells[cp + j] + gates[gp + j] * gates[gp + 2 * f + j];
    }
  }

  /** {@code H = o⊙act(C)}. */
  private static void output(Activation act, float[] gates, int go, float[] cells, int c,
      float[] hs, int h, int f) {
    int nv = f - f % L;
    int t = act == Activation.TANH ? overlappingTail(f) : -1;
    if (act == Activation.TANH) {
      // From the cells into H (they do not overlap): with a tail, its last vector ends at f.
      tanh(cells, c, hs, h, t < 0 ? nv : f);
    }
    for (int j = 0; j < (t < 0 ? nv : nv - L); j += L) {
      FloatVector o = FloatVector.fromArray(S, gates, go + j);
      if (act == Activation.TANH) {
        o.mul(FloatVector.fromArray(S, hs, h + j)).intoArray(hs, h + j);
        continue;
      }
      FloatVector cell = FloatVector.fromArray(S, cells, c + j);
      if (act == Activation.RELU) {
        o.mul(cell.max(0f)).intoArray(hs, h + j);
      } else {
        o.mul(cell).intoArray(hs, h + j);
      }
    }
    if (t >= 0) {
      // H *= o in place: the last whole vector and the one ending at f, both read first.
      int k = nv - L;
      FloatVector x = FloatVector.fromArray(S, gates, go + k)
          .mul(FloatVector.fromArray(S, hs, h + k));
      FloatVector y = FloatVector.fromArray(S, gates, go + t)
          .mul(FloatVector.fromArray(S, hs, h + t));
      x.intoArray(hs, h + k);
      y.intoArray(hs, h + t);
      return;
    }
    for (int j = nv; j < f; j++) {
      hs[h + j] = gates[go + j] * scalar(act, cells[c + j]);
    }
  }

  // ------------------------------------------------------------------ backward

  @Override
  public void backward(Activation ra, Activation act, int f, float[] gates, int gOff,
      float[] cells, int cOff, int cPrev, float[] dh, float[] dOut, int dOutOff, float[] dc,
      float[] dz, int from, int to) {
    int g = 4 * f;
    boolean hard = ra == Activation.HARD_SIGMOID || ra == Activation.HARD_SIGMOID_KERAS3;
    float slope = ra == Activation.HARD_SIGMOID_KERAS3 ? 1f / 6f : 0.2f;
    float[] tmp = new float[f]; // dH·o·act'(C) of one position
    float[] zeros = new float[f]; // the output gradient of a step without output
    for (int p = from; p < to; p++) {
      int gp = gOff + p * g;
      int fp = p * f;
      float[] dO = dOutOff < 0 ? zeros : dOut;
      int dBase = dOutOff < 0 ? 0 : dOutOff + fp;
      outputGradient(act, dh, fp, dO, dBase, gates, gp, cells, cOff + fp, dz, tmp, f);
      cellGradient(gates, gp, cells, cPrev < 0 ? -1 : cPrev + fp, dc, fp, tmp, dz, f);
      for (int q = 0; q < 4; q++) {
        if (q == 2) {
          activationDerivative(act, dz, gp + 2 * f, gates, gp + 2 * f, f);
        } else if (hard) {
          hardSigmoidDerivative(dz, gp + q * f, gates, gp + q * f, f, ra, slope);
        } else {
          sigmoidDerivative(dz, gp + q * f, gates, gp + q * f, f);
        }
      }
    }
  }

  /**
   * {@code dH = dh + dOut}; {@code dz_o = dH·act(C)} (before o's derivative);
   * {@code tmp = dH·o·act'(C)}.
   */
  private static void outputGradient(Activation act, float[] dh, int fp, float[] dO,
      int dBase, float[] gates, int gp, float[] cells, int c, float[] dz, float[] tmp, int f) {
    int nv = f - f % L;
    int go = gp + 3 * f;
    if (act == Activation.TANH) {
      tanh(cells, c, tmp, 0, nv); // act(C), read below before tmp[j] is written
    }
    for (int j = 0; j < nv; j += L) {
      FloatVector dH = FloatVector.fromArray(S, dh, fp + j)
          .add(FloatVector.fromArray(S, dO, dBase + j));
      FloatVector o = FloatVector.fromArray(S, gates, go + j);
      FloatVector cell = FloatVector.fromArray(S, cells, c + j);
      if (act == Activation.TANH) {
        FloatVector a = FloatVector.fromArray(S, tmp, j);
        dH.mul(a).intoArray(dz, go + j);
        dH.mul(o).mul(FloatVector.broadcast(S, 1f).sub(a.mul(a))).intoArray(tmp, j);
      } else if (act == Activation.RELU) {
        FloatVector a = cell.max(0f);
        dH.mul(a).intoArray(dz, go + j);
        dH.mul(o).mul(FloatVector.zero(S).blend(1f, a.compare(VectorOperators.GT, 0f)))
            .intoArray(tmp, j);
      } else {
        dH.mul(cell).intoArray(dz, go + j);
        dH.mul(o).intoArray(tmp, j);
      }
    }
    for (int j = nv; j < f; j++) {
      float a = scalar(act, cells[c + j]);
      float dH = dh[fp + j] + dO[dBase + j];
      dz[go + j] = dH * a;
      float t = dH * gates[go + j];
      tmp[j] = act == Activation.LINEAR ? t : t * Act.derivativeFromOutput(act, a);
    }
  }

  /**
   * {@code dC_t = dc + tmp}; {@code dz_i = dC·act(c̃)}, {@code dz_c = dC·i},
   * {@code dz_f = dC·C_{t-1}} (0 on the first step), all before the gates' derivatives;
   * {@code dc = dC·f}.
   */
  private static void cellGradient(float[] gates, int gp, float[] cells, int cp, float[] dc,
      int fp, float[] tmp, float[] dz, int f) {
    int nv = f - f % L;
    for (int j = 0; j < nv; j += L) {
      FloatVector dct = FloatVector.fromArray(S, dc, fp + j)
          .add(FloatVector.fromArray(S, tmp, j));
      dct.mul(FloatVector.fromArray(S, gates, gp + 2 * f + j)).intoArray(dz, gp + j);
      dct.mul(FloatVector.fromArray(S, gates, gp + j)).intoArray(dz, gp + 2 * f + j);
      dct.mul(FloatVector.fromArray(S, gates, gp + f + j)).intoArray(dc, fp + j);
      dct.intoArray(tmp, j);
    }
    for (int j = nv; j < f; j++) {
      float dct = dc[fp + j] + tmp[j];
      dz[gp + j] = dct * gates[gp + 2 * f + j];
      dz[gp + 2 * f + j] = dct * gates[gp + j];
      dc[fp + j] = dct * gates[gp + f + j];
      tmp[j] = dct;
    }
    if (cp < 0) {
      java.util.Arrays.fill(dz, gp + f, gp + 2 * f, 0f);
    } else {
      for (int j = 0; j < nv; j += L) {
        FloatVector.fromArray(S, tmp, j).mul(FloatVector.fromArray(S, cells, cp + j))
            .intoArray(dz, gp + f + j);
      }
      for (int j = nv; j < f; j++) {
        dz[gp + f + j] = tmp[j] * cells[cp + j];
      }
    }
  }

  /**
   * {@code d[off+j] *= slope} where {@code 0 < y < 1}, else 0 (hard sigmoid's derivative: slope
   * 0.2, or 1/6 for Keras 3's).
   */
  private static void hardSigmoidDerivative(float[] d, int off, float[] y, int yOff, int n,
      Activation ra, float slope) {
    int nv = n - n % L;
    for (int j = 0; j < nv; j += L) {
      FloatVector v = FloatVector.fromArray(S, y, yOff + j);
      VectorMask<Float> inside = v.compare(VectorOperators.GT, 0f)
          .and(v.compare(VectorOperators.LT, 1f));
      FloatVector.fromArray(S, d, off + j).mul(FloatVector.zero(S).blend(slope, inside))
          .intoArray(d, off + j);
    }
    for (int j = nv; j < n; j++) {
      d[off + j] *= Act.derivativeFromOutput(ra, y[yOff + j]);
    }
  }

  /** {@code d[off+j] *= y·(1 - y)} (sigmoid's derivative). */
  private static void sigmoidDerivative(float[] d, int off, float[] y, int yOff, int n) {
    int nv = n - n % L;
    for (int j = 0; j < nv; j += L) {
      FloatVector v = FloatVector.fromArray(S, y, yOff + j);
      FloatVector.fromArray(S, d, off + j).mul(v.mul(FloatVector.broadcast(S, 1f).sub(v)))
          .intoArray(d, off + j);
    }
    for (int j = nv; j < n; j++) {
      d[off + j] *= Act.derivativeFromOutput(Activation.SIGMOID, y[yOff + j]);
    }
  }

  /** {@code d[off+j] *= act'(y)} for TANH or RELU; nothing for LINEAR. */
  private static void activationDerivative(Activation act, float[] d, int off, float[] y,
      int yOff, int n) {
    if (act == Activation.LINEAR) {
      return;
    }
    int nv = n - n % L;
    for (int j = 0; j < nv; j += L) {
      FloatVector v = FloatVector.fromArray(S, y, yOff + j);
      FloatVector dv = FloatVector.fromArray(S, d, off + j);
      if (act == Activation.TANH) {
        dv.mul(FloatVector.broadcast(S, 1f).sub(v.mul(v))).intoArray(d, off + j);
      } else {
        dv.mul(FloatVector.zero(S).blend(1f, v.compare(VectorOperators.GT, 0f)))
            .intoArray(d, off + j);
      }
    }
    for (int j = nv; j < n; j++) {
      d[off + j] *= Act.derivativeFromOutput(act, y[yOff + j]);
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
      case HARD_SIGMOID_KERAS3:
        return Act.apply(Activation.HARD_SIGMOID_KERAS3, x);
      case RELU:
        return Math.max(0f, x);
      case LINEAR:
        return x;
      default:
        throw new AssertionError(a);
    }
  }

  /**
   * {@code dst[dOff+j] = tanh(src[sOff+j])} for {@code j < n}: {@code n} a multiple of the
   * lanes ({@code dst} may then be {@code src} at the same offset), or at least one vector
   * long, its last vector ending at {@code n} and overlapping the one before (see
   * {@code overlappingTail}; the ranges must then not overlap): {@link CellMath#tanh} on every
   * lane, operation for operation. Arrays in and out, not a vector: a vector argument or
   * result is boxed whenever C2 does not inline the call, which it decides per compilation
   * (the inlining node budget, whether the callee is already compiled). Forced not to inline
   * it, a seed training step made about 1.8 GB of garbage and peaked 400 MiB higher.
   */
  private static void tanh(float[] src, int sOff, float[] dst, int dOff, int n) {
    for (int i = 0; i < n; i += L) {
      int j = Math.min(i, n - L);
      FloatVector x = FloatVector.fromArray(S, src, sOff + j)
          .min(CellMath.CLAMP).max(-CellMath.CLAMP);
      FloatVector x2 = x.mul(x);
      FloatVector p = x2.mul(CellMath.A13).add(CellMath.A11);
      p = p.mul(x2).add(CellMath.A9);
      p = p.mul(x2).add(CellMath.A7);
      p = p.mul(x2).add(CellMath.A5);
      p = p.mul(x2).add(CellMath.A3);
      p = p.mul(x2).add(CellMath.A1);
      p = p.mul(x);
      FloatVector q = x2.mul(CellMath.B6).add(CellMath.B4);
      q = q.mul(x2).add(CellMath.B2);
      q = q.mul(x2).add(CellMath.B0);
      p.div(q).intoArray(dst, dOff + j);
    }
  }

  // ------------------------------------------------------------------ Winograd transforms
  // No vector crosses a method boundary (no helper takes or returns one: when C2 does not
  // inline it, the vector is boxed on the heap), and sums and differences have their own
  // methods (a vector merged from two branches is boxed too).

  @Override
  public void winogradInput(float[] d, int c, float[] v, int vOff, int vStride, int rowFrom,
      int rowTo) {
    int whole = c / L;
    boolean row0 = rowFrom <= 0 && rowTo > 0;
    boolean row1 = rowFrom <= 1 && rowTo > 1;
    boolean row2 = rowFrom <= 2 && rowTo > 2;
    boolean row3 = rowTo > 3;
    // With a tail (see overlappingTail), one more vector at t, ending at c: the patch is not
    // written (d and v do not overlap), so the channels it shares with the last whole vector
    // get the same values again.
    int t = overlappingTail(c);
    for (int i = 0, n = t < 0 ? whole : whole + 1; i < n; i++) {
      int ch = i < whole ? i * L : t;
      // Row a of Bᵀ d, then the column pass; the same operations as Winograd3x3.inputScalar.
      if (row0) {
        inputRowDifference(d, c, ch, 0, 2, v, vOff, vStride);
      }
      if (row1) {
        inputRowSum(d, c, ch, 1, 2, v, vOff + 4 * vStride, vStride);
      }
      if (row2) {
        inputRowDifference(d, c, ch, 2, 1, v, vOff + 8 * vStride, vStride);
      }
      if (row3) {
        inputRowDifference(d, c, ch, 1, 3, v, vOff + 12 * vStride, vStride);
      }
    }
    for (int ch = t < 0 ? whole * L : c; ch < c; ch++) {
      Winograd3x3.inputScalar(d, c, ch, v, vOff, vStride, rowFrom, rowTo);
    }
  }

  /** Row {@code d[ra] - d[rb]} of {@code Bᵀ d}, then its column pass into four ξ. */
  private static void inputRowDifference(float[] d, int c, int ch, int ra, int rb, float[] v,
      int o, int vStride) {
    int pa = ra * 4 * c + ch;
    int pb = rb * 4 * c + ch;
    FloatVector t0 = FloatVector.fromArray(S, d, pa).sub(FloatVector.fromArray(S, d, pb));
    FloatVector t1 = FloatVector.fromArray(S, d, pa + c)
        .sub(FloatVector.fromArray(S, d, pb + c));
    FloatVector t2 = FloatVector.fromArray(S, d, pa + 2 * c)
        .sub(FloatVector.fromArray(S, d, pb + 2 * c));
    FloatVector t3 = FloatVector.fromArray(S, d, pa + 3 * c)
        .sub(FloatVector.fromArray(S, d, pb + 3 * c));
    int q = o + ch;
    t0.sub(t2).intoArray(v, q);
    t1.add(t2).intoArray(v, q + vStride);
    t2.sub(t1).intoArray(v, q + 2 * vStride);
    t1.sub(t3).intoArray(v, q + 3 * vStride);
  }

  /** Row {@code d[ra] + d[rb]} of {@code Bᵀ d}, then its column pass into four ξ. */
  private static void inputRowSum(float[] d, int c, int ch, int ra, int rb, float[] v, int o,
      int vStride) {
    int pa = ra * 4 * c + ch;
    int pb = rb * 4 * c + ch;
    FloatVector t0 = FloatVector.fromArray(S, d, pa).add(FloatVector.fromArray(S, d, pb));
    FloatVector t1 = FloatVector.fromArray(S, d, pa + c)
        .add(FloatVector.fromArray(S, d, pb + c));
    FloatVector t2 = FloatVector.fromArray(S, d, pa + 2 * c)
        .add(FloatVector.fromArray(S, d, pb + 2 * c));
    FloatVector t3 = FloatVector.fromArray(S, d, pa + 3 * c)
        .add(FloatVector.fromArray(S, d, pb + 3 * c));
    int q = o + ch;
    t0.sub(t2).intoArray(v, q);
    t1.add(t2).intoArray(v, q + vStride);
    t2.sub(t1).intoArray(v, q + 2 * vStride);
    t1.sub(t3).intoArray(v, q + 3 * vStride);
  }

  @Override
  public void winogradOutput(float[] m, int mOff, int mStride, int cout, float[] out, int y00,
      int y01, int y10, int y11, boolean accumulate) {
    int cv = cout - cout % L;
    for (int o = 0; o < cv; o += L) {
      if (accumulate) {
        outputTopAdd(m, mOff + o, mStride, out, y00 + o, y01 < 0 ? -1 : y01 + o);
      } else {
        outputTopSet(m, mOff + o, mStride, out, y00 + o, y01 < 0 ? -1 : y01 + o);
      }
      if (y10 >= 0 && accumulate) {
        outputBottomAdd(m, mOff + o, mStride, out, y10 + o, y11 < 0 ? -1 : y11 + o);
      } else if (y10 >= 0) {
        outputBottomSet(m, mOff + o, mStride, out, y10 + o, y11 < 0 ? -1 : y11 + o);
      }
    }
    for (int o = cv; o < cout; o++) {
      Winograd3x3.outputScalar(m, mOff, mStride, o, out, y00, y01, y10, y11, accumulate);
    }
  }

  // Rows of Aᵀ m: top m0 + m1 + m2, bottom m1 - m2 - m3 (m_a = m[b + 4a·mStride + column]);
  // then columns u0 + u1 + u2 (left output) and u1 - u2 - u3 (right output).

  private static void outputTopSet(float[] m, int b, int ms, float[] out, int left,
      int right) {
    int s4 = 4 * ms;
    FloatVector u0 = FloatVector.fromArray(S, m, b).add(FloatVector.fromArray(S, m, b + s4))
        .add(FloatVector.fromArray(S, m, b + 2 * s4));
    FloatVector u1 = FloatVector.fromArray(S, m, b + ms)
        .add(FloatVector.fromArray(S, m, b + ms + s4))
        .add(FloatVector.fromArray(S, m, b + ms + 2 * s4));
    FloatVector u2 = FloatVector.fromArray(S, m, b + 2 * ms)
        .add(FloatVector.fromArray(S, m, b + 2 * ms + s4))
        .add(FloatVector.fromArray(S, m, b + 2 * ms + 2 * s4));
    u0.add(u1).add(u2).intoArray(out, left);
    if (right >= 0) {
      FloatVector u3 = FloatVector.fromArray(S, m, b + 3 * ms)
          .add(FloatVector.fromArray(S, m, b + 3 * ms + s4))
          .add(FloatVector.fromArray(S, m, b + 3 * ms + 2 * s4));
      u1.sub(u2).sub(u3).intoArray(out, right);
    }
  }

  private static void outputTopAdd(float[] m, int b, int ms, float[] out, int left,
      int right) {
    int s4 = 4 * ms;
    FloatVector u0 = FloatVector.fromArray(S, m, b).add(FloatVector.fromArray(S, m, b + s4))
        .add(FloatVector.fromArray(S, m, b + 2 * s4));
    FloatVector u1 = FloatVector.fromArray(S, m, b + ms)
        .add(FloatVector.fromArray(S, m, b + ms + s4))
        .add(FloatVector.fromArray(S, m, b + ms + 2 * s4));
    FloatVector u2 = FloatVector.fromArray(S, m, b + 2 * ms)
        .add(FloatVector.fromArray(S, m, b + 2 * ms + s4))
        .add(FloatVector.fromArray(S, m, b + 2 * ms + 2 * s4));
    FloatVector.fromArray(S, out, left).add(u0.add(u1).add(u2)).intoArray(out, left);
    if (right >= 0) {
      FloatVector u3 = FloatVector.fromArray(S, m, b + 3 * ms)
          .add(FloatVector.fromArray(S, m, b + 3 * ms + s4))
          .add(FloatVector.fromArray(S, m, b + 3 * ms + 2 * s4));
      FloatVector.fromArray(S, out, right).add(u1.sub(u2).sub(u3)).intoArray(out, right);
    }
  }

  private static void outputBottomSet(float[] m, int b, int ms, float[] out, int left,
      int right) {
    int s4 = 4 * ms;
    FloatVector u0 = FloatVector.fromArray(S, m, b + s4)
        .sub(FloatVector.fromArray(S, m, b + 2 * s4))
        .sub(FloatVector.fromArray(S, m, b + 3 * s4));
    FloatVector u1 = FloatVector.fromArray(S, m, b + ms + s4)
        .sub(FloatVector.fromArray(S, m, b + ms + 2 * s4))
        .sub(FloatVector.fromArray(S, m, b + ms + 3 * s4));
    FloatVector u2 = FloatVector.fromArray(S, m, b + 2 * ms + s4)
        .sub(FloatVector.fromArray(S, m, b + 2 * ms + 2 * s4))
        .sub(FloatVector.fromArray(S, m, b + 2 * ms + 3 * s4));
    u0.add(u1).add(u2).intoArray(out, left);
    if (right >= 0) {
      FloatVector u3 = FloatVector.fromArray(S, m, b + 3 * ms + s4)
          .sub(FloatVector.fromArray(S, m, b + 3 * ms + 2 * s4))
          .sub(FloatVector.fromArray(S, m, b + 3 * ms + 3 * s4));
      u1.sub(u2).sub(u3).intoArray(out, right);
    }
  }

  private static void outputBottomAdd(float[] m, int b, int ms, float[] out, int left,
      int right) {
    int s4 = 4 * ms;
    FloatVector u0 = FloatVector.fromArray(S, m, b + s4)
        .sub(FloatVector.fromArray(S, m, b + 2 * s4))
        .sub(FloatVector.fromArray(S, m, b + 3 * s4));
    FloatVector u1 = FloatVector.fromArray(S, m, b + ms + s4)
        .sub(FloatVector.fromArray(S, m, b + ms + 2 * s4))
        .sub(FloatVector.fromArray(S, m, b + ms + 3 * s4));
    FloatVector u2 = FloatVector.fromArray(S, m, b + 2 * ms + s4)
        .sub(FloatVector.fromArray(S, m, b + 2 * ms + 2 * s4))
        .sub(FloatVector.fromArray(S, m, b + 2 * ms + 3 * s4));
    FloatVector.fromArray(S, out, left).add(u0.add(u1).add(u2)).intoArray(out, left);
    if (right >= 0) {
      FloatVector u3 = FloatVector.fromArray(S, m, b + 3 * ms + s4)
          .sub(FloatVector.fromArray(S, m, b + 3 * ms + 2 * s4))
          .sub(FloatVector.fromArray(S, m, b + 3 * ms + 3 * s4));
      FloatVector.fromArray(S, out, right).add(u1.sub(u2).sub(u3)).intoArray(out, right);
    }
  }

  @Override
  public void winogradOutputGradient(float[] d, int c, float[] m, int mOff, int mStride,
      int sliver, int sliverStride, int rowFrom, int rowTo) {
    boolean row0 = rowFrom <= 0 && rowTo > 0;
    boolean row1 = rowFrom <= 1 && rowTo > 1;
    boolean row2 = rowFrom <= 2 && rowTo > 2;
    boolean row3 = rowTo > 3;
    // Sliver by sliver (no division per vector: it cost as much as the stores): channel o of
    // sliver s goes to at + o; vectors of L channels, then the sliver's scalar tail.
    for (int s0 = 0, at = mOff; s0 < c; s0 += sliver, at += sliverStride - sliver) {
      int end = Math.min(c, s0 + sliver);
      int o = s0;
      for (; o + L <= end; o += L) {
        if (row0 || row1) {
          outputGradientTop(d, c, o, m, at + o, mStride, row0, row1);
        }
        if (row2 || row3) {
          outputGradientBottom(d, c, o, m, at + o + 8 * mStride, mStride, row2, row3);
        }
      }
      for (; o < end; o++) {
        Winograd3x3.outputGradientScalar(d, c, o, m, at, mStride, rowFrom, rowTo);
      }
    }
  }

  // Rows of A dY: y0, y0 + y1 (top method), y0 - y1, -y1 (bottom method); each row z then
  // gives z0, z0 + z1, z0 - z1, -z1: the same operations as Winograd3x3.outputGradientScalar.

  /** Rows 0 ({@code first}) and 1 ({@code second}) of the transformed tile. */
  private static void outputGradientTop(float[] d, int c, int o, float[] m, int at, int ms,
      boolean first, boolean second) {
    FloatVector y00 = FloatVector.fromArray(S, d, o);
    FloatVector y01 = FloatVector.fromArray(S, d, c + o);
    if (first) {
      y00.intoArray(m, at);
      y00.add(y01).intoArray(m, at + ms);
      y00.sub(y01).intoArray(m, at + 2 * ms);
      y01.neg().intoArray(m, at + 3 * ms);
    }
    if (second) {
      FloatVector z0 = y00.add(FloatVector.fromArray(S, d, 2 * c + o));
      FloatVector z1 = y01.add(FloatVector.fromArray(S, d, 3 * c + o));
      int at1 = at + 4 * ms;
      z0.intoArray(m, at1);
      z0.add(z1).intoArray(m, at1 + ms);
      z0.sub(z1).intoArray(m, at1 + 2 * ms);
      z1.neg().intoArray(m, at1 + 3 * ms);
    }
  }

  /** Rows 2 ({@code first}) and 3 ({@code second}) of the transformed tile, from {@code at}. */
  private static void outputGradientBottom(float[] d, int c, int o, float[] m, int at,
      int ms, boolean first, boolean second) {
    FloatVector y10 = FloatVector.fromArray(S, d, 2 * c + o);
    FloatVector y11 = FloatVector.fromArray(S, d, 3 * c + o);
    if (first) {
      FloatVector z0 = FloatVector.fromArray(S, d, o).sub(y10);
      FloatVector z1 = FloatVector.fromArray(S, d, c + o).sub(y11);
      z0.intoArray(m, at);
      z0.add(z1).intoArray(m, at + ms);
      z0.sub(z1).intoArray(m, at + 2 * ms);
      z1.neg().intoArray(m, at + 3 * ms);
    }
    if (second) {
      FloatVector n0 = y10.neg();
      FloatVector n1 = y11.neg();
      int at1 = at + 4 * ms;
      n0.intoArray(m, at1);
      n0.add(n1).intoArray(m, at1 + ms);
      n0.sub(n1).intoArray(m, at1 + 2 * ms);
      n1.neg().intoArray(m, at1 + 3 * ms);
    }
  }
}
