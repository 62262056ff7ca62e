package io.github.convlstm4j.reference;

import java.util.Arrays;

/**
 * Lowering of 2-D and 3-D convolutions to matrix multiplies, channels-last, stride 1.
 *
 * <p>{@code im2col} writes one row per output position and one column per kernel tap and
 * input channel, columns ordered {@code (dy, dx, c)} (3-D: {@code (dt, dy, dx, c)}). That is
 * the C order of a Keras kernel {@code [kh, kw, C_in, C_out]}, so the kernel reshaped to
 * {@code [kh·kw·C_in, C_out]} is directly the right-hand matrix and the product comes out
 * channels-last. Positions outside the input read zeros (padding).
 *
 * <p>{@code col2im} is the adjoint of 2-D {@code im2col}, written as a gather: each input
 * position sums, in the fixed order {@code (dy, dx)}, the column entries that read it. Every
 * output element is written by exactly one thread, so results do not depend on threading.
 */
final class Im2col {
  private Im2col() {}

  /**
   * Fills one im2col row segment of {@code kh·kw·c} floats for output position (y, x) of one
   * frame starting at {@code inOff}.
   */
  static void row2d(float[] in, int inOff, int h, int w, int c, int kh, int kw, int padTop,
      int padLeft, int y, int x, float[] cols, int colOff) {
    int run = kw * c;
    int dxLo = Math.max(0, padLeft - x);
    int dxHi = Math.min(kw, w + padLeft - x);
    for (int dy = 0; dy < kh; dy++) {
      int iy = y + dy - padTop;
      int dst = colOff + dy * run;
      if (iy < 0 || iy >= h || dxLo >= dxHi) {
        Arrays.fill(cols, dst, dst + run, 0f);
        continue;
      }
      if (dxLo > 0) {
        Arrays.fill(cols, dst, dst + dxLo * c, 0f);
      }
      int ix = x + dxLo - padLeft;
      System.arraycopy(in, inOff + (iy * w + ix) * c, cols, dst + dxLo * c, (dxHi - dxLo) * c);
      if (dxHi < kw) {
        Arrays.fill(cols, dst + dxHi * c, dst + run, 0f);
      }
    }
  }

  /**
   * 2-D im2col of {@code frames} consecutive frames {@code [h, w, c]} starting at
   * {@code inOff}: writes {@code frames·ho·wo} rows of {@code kh·kw·c} floats to {@code cols}.
   */
  static void im2col(Parallel par, float[] in, int inOff, int frames, int h, int w, int c,
      int kh, int kw, int padTop, int padLeft, int ho, int wo, float[] cols) {
    int k = kh * kw * c;
    int frameIn = h * w * c;
    par.forRange(frames * ho, 8, (from, to) -> {
      for (int fy = from; fy < to; fy++) {
        int f = fy / ho;
        int y = fy - f * ho;
        int off = inOff + f * frameIn;
        for (int x = 0; x < wo; x++) {
          row2d(in, off, h, w, c, kh, kw, padTop, padLeft, y, x, cols,
              ((fy * wo) + x) * k);
        }
      }
    });
  }

  /**
   * Adjoint of {@link #im2col}: {@code dIn[f, iy, ix, ch] = Σ_{dy,dx} cols[(f, iy-dy+padTop,
   * ix-dx+padLeft), (dy, dx, ch)]} over in-range output positions; overwrites {@code dIn}. The
   * rows {@code (f, iy)} are split across threads and gathered by {@code ops}.
   */
  static void col2im(Parallel par, CellOps ops, float[] cols, int frames, int h, int w, int c,
      int kh, int kw, int padTop, int padLeft, int ho, int wo, float[] dIn, int dOff) {
    par.forRange(frames * h, 8, (from, to) -> ops.col2im(cols, h, w, c, kh, kw, padTop, padLeft,
        ho, wo, dIn, dOff, from, to));
  }

  /**
   * {@link #col2im} for the input rows {@code (f, iy)} numbered {@code f·h + iy} in
   * {@code [from, to)}: each input position starts from 0 and adds, in the order
   * {@code (dy, dx)}, the column entries that read it.
   */
  static void col2imRows(float[] cols, int h, int w, int c, int kh, int kw, int padTop,
      int padLeft, int ho, int wo, float[] dIn, int dOff, int from, int to) {
    int k = kh * kw * c;
    for (int fy = from; fy < to; fy++) {
      int f = fy / h;
      int iy = fy - f * h;
      for (int ix = 0; ix < w; ix++) {
        int dst = dOff + ((f * h + iy) * w + ix) * c;
        Arrays.fill(dIn, dst, dst + c, 0f);
        for (int dy = 0; dy < kh; dy++) {
          int oy = iy - dy + padTop;
          if (oy < 0 || oy >= ho) {
            continue;
          }
          for (int dx = 0; dx < kw; dx++) {
            int ox = ix - dx + padLeft;
            if (ox < 0 || ox >= wo) {
              continue;
            }
            int src = ((f * ho + oy) * wo + ox) * k + (dy * kw + dx) * c;
            for (int ch = 0; ch < c; ch++) {
              dIn[dst + ch] += cols[src + ch];
            }
          }
        }
      }
    }
  }

  /**
   * 3-D im2col over a time-major tensor {@code [T, n, h, w, c]}: rows for output times
   * {@code [tFrom, tFrom + tCount)}, every sample and position (output size equals input size:
   * the paddings must total {@code k - 1} per axis), columns {@code (dt, dy, dx, c)}; input
   * time {@code t + dt - padBefore} outside {@code [0, T)} reads zeros.
   */
  static void im2col3d(Parallel par, float[] in, int inOff, int frames, int n, int h, int w, int c,
      int kt, int kh, int kw, int padBefore, int padTop, int padLeft, int tFrom, int tCount,
      float[] cols) {
    int k2 = kh * kw * c;
    int k = kt * k2;
    int frameIn = h * w * c;
    par.forRange(tCount * n * h, 8, (from, to) -> {
      for (int r = from; r < to; r++) {
        int y = r % h;
        int tn = r / h;
        int b = tn % n;
        int t = tFrom + tn / n;
        for (int x = 0; x < w; x++) {
          int rowOff = ((r * w) + x) * k;
          for (int dt = 0; dt < kt; dt++) {
            int ti = t + dt - padBefore;
            int dst = rowOff + dt * k2;
            if (ti < 0 || ti >= frames) {
              Arrays.fill(cols, dst, dst + k2, 0f);
            } else {
              row2d(in, inOff + (ti * n + b) * frameIn, h, w, c, kh, kw, padTop, padLeft, y, x, cols,
                  dst);
            }
          }
        }
      }
    });
  }
}
