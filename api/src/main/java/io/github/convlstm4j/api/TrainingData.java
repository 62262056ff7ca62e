package io.github.convlstm4j.api;

import java.util.Random;

/**
 * What the fit loop needs from a set of (input, target) pairs: its size, the shape of every
 * input and every target, batches packed into caller-owned arrays, and a split into a training
 * and a validation part. Implemented by the in-heap {@link SequenceDataset} and by the windows
 * over a memory-mapped file ({@link io.github.convlstm4j.api.data.FrameWindows}), so a forecaster
 * trains on either the same way.
 *
 * <p>Implementations are immutable views; {@link #packBatch} may be called from another thread
 * than the one that created the data (the fit loop assembles the next batch on a background
 * thread), but never from two threads at once.
 */
public interface TrainingData {

  /**
   * A split into a training part and a validation part.
   */
  interface Split {
    /**
     * The part trained on.
     *
     * @return the first part
     */
    TrainingData training();

    /**
     * The part held out for validation losses.
     *
     * @return the last part, possibly empty
     */
    TrainingData validation();
  }

  /**
   * Number of (input, target) pairs.
   *
   * @return at least 0
   */
  int size();

  /**
   * Whether there are no pairs.
   *
   * @return {@code size() == 0}
   */
  default boolean isEmpty() {
    return size() == 0;
  }

  /**
   * The shape of every input.
   *
   * @return frames and frame shape
   * @throws IllegalStateException if the data is empty and its shape unknown
   */
  SequenceShape inputShape();

  /**
   * The shape of every target.
   *
   * @return frames and frame shape
   * @throws IllegalStateException if the data is empty and its shape unknown
   */
  SequenceShape targetShape();

  /**
   * Packs a batch into caller-owned contiguous arrays without allocating: pair
   * {@code order[from + b]} goes to slot b, inputs as {@code [N, T, H, W, C]}, targets likewise.
   *
   * @param order pair indices in {@code [0, size())}
   * @param from first position in {@code order}
   * @param count batch size
   * @param inputs destination of at least {@code count} inputs
   * @param targets destination of at least {@code count} targets
   * @throws IllegalArgumentException if a buffer is too short, naming both sizes
   * @throws IllegalStateException if the data is empty, or a file behind it cannot be read
   */
  void packBatch(int[] order, int from, int count, float[] inputs, float[] targets);

  /**
   * Splits off the last {@code fraction} as the validation part, taken before any shuffling
   * (Keras' {@code validation_split}). Implementations say exactly where they cut; no pair of
   * one part shares data with the other.
   *
   * @param fraction in [0, 1)
   * @return the split
   * @throws IllegalArgumentException if {@code fraction} is outside [0, 1)
   */
  Split split(double fraction);

  /**
   * The pair order of one epoch: a seeded Fisher–Yates permutation of {@code [0, size())}
   * from {@code new Random(seed * 1_000_003 + epoch)}, or the identity when {@code shuffle} is
   * off. Every implementation gives the same order for the same size, so the same pairs in
   * the heap or in a file train identically.
   *
   * @param shuffle whether to shuffle
   * @param seed the training seed
   * @param epoch 0-based epoch (so every epoch differs)
   * @return the order
   */
  default int[] epochOrder(boolean shuffle, long seed, int epoch) {
    return epochOrder(size(), shuffle, seed, epoch);
  }

  /**
   * The order {@link #epochOrder(boolean, long, int)} gives for data of {@code size} pairs.
   *
   * @param size the number of pairs, at least 0
   * @param shuffle whether to shuffle
   * @param seed the training seed
   * @param epoch 0-based epoch
   * @return the order
   */
  static int[] epochOrder(int size, boolean shuffle, long seed, int epoch) {
    int[] order = new int[size];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    if (shuffle) {
      Random r = new Random(seed * 1_000_003L + epoch);
      for (int i = order.length - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }
}
