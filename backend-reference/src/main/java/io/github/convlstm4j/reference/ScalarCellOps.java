package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.Activation;

/** {@link CellOps} as plain loops over {@link CellMath}; works on every JVM. */
final class ScalarCellOps implements CellOps {

  @Override
  public void forward(Activation ra, Activation act, int f, float[] bias, float[] gates,
      int gOff, float[] cells, int cOff, int cPrev, float[] hs, int hOff, int from, int to) {
    int g = 4 * f;
    float[] actc = new float[f];
    for (int p = from; p < to; p++) {
      int gp = gOff + p * g;
      int fp = p * f;
      CellMath.activate(ra, gates, gp, bias, 0, f); // i
      CellMath.activate(ra, gates, gp + f, bias, f, f); // f
      CellMath.activate(act, gates, gp + 2 * f, bias, 2 * f, f); // c~ -> act(c~)
      CellMath.activate(ra, gates, gp + 3 * f, bias, 3 * f, f); // o
      int c = cOff + fp;
      if (cPrev < 0) {
        for (int j = 0; j < f; j++) {
          cells[c + j] = gates[gp + j] * gates[gp + 2 * f + j];
        }
      } else {
        int cp = cPrev + fp;
        for (int j = 0; j < f; j++) {
          cells[c + j] = gates[gp + f + j] * cells[cp + j]
              + gates[gp + j] * gates[gp + 2 * f + j];
        }
      }
      output(act, f, gates, gp, cells, c, actc, hs, hOff + fp);
    }
  }

  @Override
  public void normalize(float[] x, int off, int f, float[] center, float[] scale,
      float[] shift, int from, int to) {
    for (int r = from; r < to; r++) {
      int p = off + r * f;
      for (int c = 0; c < f; c++) {
        x[p + c] = (x[p + c] - center[c]) * scale[c] + shift[c];
      }
    }
  }

  @Override
  public void hidden(Activation act, int f, float[] gates, int gOff, float[] cells, int cOff,
      float[] hs, int hOff, int from, int to) {
    float[] actc = new float[f];
    for (int p = from; p < to; p++) {
      output(act, f, gates, gOff + p * 4 * f, cells, cOff + p * f, actc, hs, hOff + p * f);
    }
  }

  /**
   * The last stage of a forward step for the position whose gates start at {@code gp} and
   * whose cell state is at {@code c}: {@code H = o⊙act(C)} into {@code hs[h..h+f)}, with
   * {@code actc} as scratch. One definition for {@link #forward}, {@link #peepholeForward}
   * and {@link #hidden}, so the recomputed {@code H} has the forward's bits.
   */
  private static void output(Activation act, int f, float[] gates, int gp, float[] cells,
      int c, float[] actc, float[] hs, int h) {
    CellMath.apply(act, cells, c, actc, 0, f);
    for (int j = 0; j < f; j++) {
      hs[h + j] = gates[gp + 3 * f + j] * actc[j];
    }
  }

  @Override
  public void backward(Activation ra, Activation act, int f, float[] gates, int gOff,
      float[] cells, int cOff, int cPrev, float[] dh, float[] dOut, int dOutOff, float[] dc,
      float[] dz, int from, int to) {
    int g = 4 * f;
    float[] tmp = new float[f];
    float[] actc = new float[f];
    for (int p = from; p < to; p++) {
      int gp = gOff + p * g;
      int fp = p * f;
      CellMath.apply(act, cells, cOff + fp, actc, 0, f); // act(C_t), as in the forward pass
      // tmp = dL/dH_t = recurrent part + output part
      for (int j = 0; j < f; j++) {
        tmp[j] = dh[fp + j] + (dOutOff < 0 ? 0f : dOut[dOutOff + fp + j]);
      }
      // dz_o (before o's derivative) = dH·act(C)
      for (int j = 0; j < f; j++) {
        dz[gp + 3 * f + j] = tmp[j] * actc[j];
      }
      // tmp = dH·o, then ·act'(C)
      for (int j = 0; j < f; j++) {
        tmp[j] *= gates[gp + 3 * f + j];
      }
      CellMath.multiplyDerivative(act, tmp, 0, actc, 0, f);
      // dC_t = dC from t+1 + dH·o·act'(C); dz_i = dC·act(c~), dz_c = dC·i, dz_f = dC·C_{t-1}
      for (int j = 0; j < f; j++) {
        float dct = dc[fp + j] + tmp[j];
        dz[gp + j] = dct * gates[gp + 2 * f + j];
        dz[gp + 2 * f + j] = dct * gates[gp + j];
        dc[fp + j] = dct * gates[gp + f + j];
        tmp[j] = dct;
      }
      if (cPrev < 0) {
        for (int j = 0; j < f; j++) {
          dz[gp + f + j] = 0f;
        }
      } else {
        for (int j = 0; j < f; j++) {
          dz[gp + f + j] = tmp[j] * cells[cPrev + fp + j];
        }
      }
      CellMath.multiplyDerivative(ra, dz, gp, gates, gp, f);
      CellMath.multiplyDerivative(ra, dz, gp + f, gates, gp + f, f);
      CellMath.multiplyDerivative(act, dz, gp + 2 * f, gates, gp + 2 * f, f);
      CellMath.multiplyDerivative(ra, dz, gp + 3 * f, gates, gp + 3 * f, f);
    }
  }

  /** The definition behind {@link CellOps#forwardPeephole}. */
  static void peepholeForward(Activation ra, Activation act, int f, float[] bias, float[] wci,
      float[] wcf, float[] wco, float[] gates, int gOff, float[] cells, int cOff, int cPrev,
      float[] hs, int hOff, int from, int to) {
    int g = 4 * f;
    float[] actc = new float[f];
    for (int p = from; p < to; p++) {
      int gp = gOff + p * g;
      int fp = p * f;
      int c = cOff + fp;
      if (cPrev >= 0) {
        int cp = cPrev + fp;
        for (int j = 0; j < f; j++) {
          gates[gp + j] += wci[j] * cells[cp + j];
          gates[gp + f + j] += wcf[j] * cells[cp + j];
        }
      }
      CellMath.activate(ra, gates, gp, bias, 0, f); // i
      CellMath.activate(ra, gates, gp + f, bias, f, f); // f
      CellMath.activate(act, gates, gp + 2 * f, bias, 2 * f, f); // c~ -> act(c~)
      if (cPrev < 0) {
        for (int j = 0; j < f; j++) {
          cells[c + j] = gates[gp + j] * gates[gp + 2 * f + j];
        }
      } else {
        int cp = cPrev + fp;
        for (int j = 0; j < f; j++) {
          cells[c + j] = gates[gp + f + j] * cells[cp + j]
              + gates[gp + j] * gates[gp + 2 * f + j];
        }
      }
      for (int j = 0; j < f; j++) {
        gates[gp + 3 * f + j] += wco[j] * cells[c + j]; // o sees the new cell state
      }
      CellMath.activate(ra, gates, gp + 3 * f, bias, 3 * f, f); // o
      output(act, f, gates, gp, cells, c, actc, hs, hOff + fp);
    }
  }

  /** The definition behind {@link CellOps#backwardPeephole}. */
  static void peepholeBackward(Activation ra, Activation act, int f, float[] wci, float[] wcf,
      float[] wco, float[] gates, int gOff, float[] cells, int cOff, int cPrev, float[] dh,
      float[] dOut, int dOutOff, float[] dc, float[] dz, int from, int to) {
    int g = 4 * f;
    float[] tmp = new float[f];
    float[] actc = new float[f];
    for (int p = from; p < to; p++) {
      int gp = gOff + p * g;
      int fp = p * f;
      CellMath.apply(act, cells, cOff + fp, actc, 0, f); // act(C_t), as in the forward pass
      for (int j = 0; j < f; j++) {
        tmp[j] = dh[fp + j] + (dOutOff < 0 ? 0f : dOut[dOutOff + fp + j]);
      }
      // dz_o = dH·act(C)·ra'(o), final: C_t's gradient needs it (o = ra(... + wco⊙C_t))
      for (int j = 0; j < f; j++) {
        dz[gp + 3 * f + j] = tmp[j] * actc[j];
      }
      CellMath.multiplyDerivative(ra, dz, gp + 3 * f, gates, gp + 3 * f, f);
      for (int j = 0; j < f; j++) {
        tmp[j] *= gates[gp + 3 * f + j];
      }
      CellMath.multiplyDerivative(act, tmp, 0, actc, 0, f);
      // dC_t = dC from t+1 + dH·o·act'(C) + dz_o·wco
      for (int j = 0; j < f; j++) {
        float dct = dc[fp + j] + tmp[j] + dz[gp + 3 * f + j] * wco[j];
        dz[gp + j] = dct * gates[gp + 2 * f + j];
        dz[gp + 2 * f + j] = dct * gates[gp + j];
        tmp[j] = dct;
      }
      if (cPrev < 0) {
        for (int j = 0; j < f; j++) {
          dz[gp + f + j] = 0f;
        }
      } else {
        for (int j = 0; j < f; j++) {
          dz[gp + f + j] = tmp[j] * cells[cPrev + fp + j];
        }
      }
      CellMath.multiplyDerivative(ra, dz, gp, gates, gp, f);
      CellMath.multiplyDerivative(ra, dz, gp + f, gates, gp + f, f);
      CellMath.multiplyDerivative(act, dz, gp + 2 * f, gates, gp + 2 * f, f);
      // dC_{t-1} = dC_t·f + dz_i·wci + dz_f·wcf
      for (int j = 0; j < f; j++) {
        dc[fp + j] = tmp[j] * gates[gp + f + j] + dz[gp + j] * wci[j]
            + dz[gp + f + j] * wcf[j];
      }
    }
  }

  @Override
  public void col2im(float[] cols, int h, int w, int c, int kh, int kw, int padTop,
      int padLeft, int ho, int wo, float[] dIn, int dOff, int from, int to) {
    Im2col.col2imRows(cols, h, w, c, kh, kw, padTop, padLeft, ho, wo, dIn, dOff, from, to);
  }

  @Override
  public void winogradInput(float[] d, int c, float[] v, int vOff, int vStride, int rowFrom,
      int rowTo) {
    for (int ch = 0; ch < c; ch++) {
      Winograd3x3.inputScalar(d, c, ch, v, vOff, vStride, rowFrom, rowTo);
    }
  }

  @Override
  public void winogradOutput(float[] m, int mOff, int mStride, int cout, float[] out, int y00,
      int y01, int y10, int y11, boolean accumulate) {
    for (int o = 0; o < cout; o++) {
      Winograd3x3.outputScalar(m, mOff, mStride, o, out, y00, y01, y10, y11, accumulate);
    }
  }

  @Override
  public void winogradOutputGradient(float[] d, int c, float[] m, int mOff, int mStride,
      int sliver, int sliverStride, int rowFrom, int rowTo) {
    // Sliver by sliver, as VectorCellOps: channel o of the sliver starting at s0 goes to at + o.
    for (int s0 = 0, at = mOff; s0 < c; s0 += sliver, at += sliverStride - sliver) {
      for (int o = s0; o < Math.min(c, s0 + sliver); o++) {
        Winograd3x3.outputGradientScalar(d, c, o, m, at, mStride, rowFrom, rowTo);
      }
    }
  }

  @Override
  public String name() {
    return "scalar";
  }
}
