package io.github.convlstm4j.api;

/**
 * The space-to-depth permutation shared by {@link SpaceToDepthSpec} and
 * {@link DepthToSpaceSpec}: frame pixel {@code (Y·p + dy, X·p + dx, c)} of an
 * {@code H × W × C} frame is channel {@code (dy·p + dx)·C + c} of pixel {@code (Y, X)} of the
 * {@code H/p × W/p × p²C} frame (OpenSTL's and PredRNN's {@code reshape_patch}).
 */
final class Patches {

  private Patches() {}

  /**
   * Checks that a frame can be cut into p×p patches.
   *
   * @throws IllegalArgumentException naming the height, the width and p
   */
  static void requireDivisible(String what, int height, int width, int p) {
    if (height % p != 0 || width % p != 0) {
      throw new IllegalArgumentException(what + " needs frame height and width divisible by "
          + "the patch size " + p + ", got height " + height + " and width " + width);
    }
  }

  /**
   * Checks that both arrays hold {@code frames} frames.
   *
   * @throws IllegalArgumentException naming the needed and the actual length
   */
  static void requireLength(float[] src, float[] dst, int frames, FrameShape frame) {
    long need = (long) frames * frame.size();
    if (frames < 0 || src.length < need || dst.length < need) {
      throw new IllegalArgumentException("patch permutation of " + frames + " frames of "
          + frame + " needs arrays of at least " + need + " floats, got source " + src.length
          + " and destination " + dst.length);
    }
  }

  /**
   * Moves {@code frames} frames between the two layouts.
   *
   * @param toDepth true: {@code src} is spatial {@code H × W × C}, {@code dst} patched
   * @param h spatial height, divisible by p
   * @param w spatial width, divisible by p
   * @param c spatial channels
   */
  static void permute(boolean toDepth, float[] src, float[] dst, int frames, int h, int w, int c,
      int p) {
    int hp = h / p;
    int wp = w / p;
    int frameSize = h * w * c;
    for (int f = 0; f < frames; f++) {
      int base = f * frameSize;
      for (int y = 0; y < hp; y++) {
        for (int x = 0; x < wp; x++) {
          int patched = base + (y * wp + x) * p * p * c;
          for (int dy = 0; dy < p; dy++) {
            int spatial = base + ((y * p + dy) * w + x * p) * c;
            int depth = patched + dy * p * c;
            // one row of the patch: p·C consecutive floats in both layouts
            if (toDepth) {
              System.arraycopy(src, spatial, dst, depth, p * c);
            } else {
              System.arraycopy(src, depth, dst, spatial, p * c);
            }
          }
        }
      }
    }
  }
}
