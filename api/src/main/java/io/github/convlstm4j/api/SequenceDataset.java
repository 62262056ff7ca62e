package io.github.convlstm4j.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An immutable list of (input, target) sequence pairs of one shape each, for training and
 * evaluation. All inputs share one shape and all targets share one shape.
 */
public final class SequenceDataset implements TrainingData {

  /**
   * One training example.
   *
   * @param input the input sequence
   * @param target the target sequence
   */
  public record Sample(FrameSequence input, FrameSequence target) {
    /** Rejects nulls. */
    public Sample {
      Objects.requireNonNull(input, "input");
      Objects.requireNonNull(target, "target");
    }
  }

  /**
   * A split into a training part and a validation part.
   *
   * @param training the first part
   * @param validation the last part, possibly empty
   */
  public record Split(SequenceDataset training, SequenceDataset validation)
      implements TrainingData.Split {}

  private final List<Sample> samples;

  private SequenceDataset(List<Sample> samples) {
    this.samples = samples;
  }

  /**
   * A dataset from samples.
   *
   * @param samples samples of one input shape and one target shape; may be empty
   * @return the dataset
   * @throws IllegalArgumentException naming the first sample whose shape differs
   */
  public static SequenceDataset of(List<Sample> samples) {
    List<Sample> copy = List.copyOf(samples);
    for (int i = 1; i < copy.size(); i++) {
      Sample s = copy.get(i);
      Sample first = copy.get(0);
      if (!s.input().shapeString().equals(first.input().shapeString())) {
        throw new IllegalArgumentException("input of sample " + i + " must be "
            + first.input().shapeString() + ", got " + s.input().shapeString());
      }
      if (!s.target().shapeString().equals(first.target().shapeString())) {
        throw new IllegalArgumentException("target of sample " + i + " must be "
            + first.target().shapeString() + ", got " + s.target().shapeString());
      }
    }
    return new SequenceDataset(copy);
  }

  /**
   * A dataset from parallel lists.
   *
   * @param inputs inputs
   * @param targets targets, as many as inputs
   * @return the dataset
   */
  public static SequenceDataset of(List<FrameSequence> inputs, List<FrameSequence> targets) {
    if (inputs.size() != targets.size()) {
      throw new IllegalArgumentException(
          "targets must number " + inputs.size() + " like the inputs, got " + targets.size());
    }
    List<Sample> s = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      s.add(new Sample(inputs.get(i), targets.get(i)));
    }
    return of(s);
  }

  /**
   * Number of samples.
   *
   * @return the size
   */
  @Override
  public int size() {
    return samples.size();
  }

  /**
   * Whether there are no samples.
   *
   * @return true if empty
   */
  @Override
  public boolean isEmpty() {
    return samples.isEmpty();
  }

  /**
   * One sample.
   *
   * @param index 0-based
   * @return the sample
   */
  public Sample get(int index) {
    Objects.checkIndex(index, samples.size());
    return samples.get(index);
  }

  /**
   * All samples.
   *
   * @return an unmodifiable list
   */
  public List<Sample> samples() {
    return samples;
  }

  /**
   * Samples {@code [from, to)}.
   *
   * @param from first, inclusive
   * @param to last, exclusive
   * @return the sub-dataset
   */
  public SequenceDataset subset(int from, int to) {
    return new SequenceDataset(samples.subList(from, to));
  }

  /**
   * Splits like Keras' {@code validation_split}: the validation part is the <em>last</em>
   * {@code fraction} of the samples, taken before any shuffling; the training part has
   * {@code (int) (size * (1 - fraction))} samples.
   *
   * @param fraction in [0, 1)
   * @return the split
   */
  @Override
  public Split split(double fraction) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("fraction must be in [0, 1), got " + fraction);
    }
    int at = (int) (samples.size() * (1.0 - fraction));
    return new Split(subset(0, at), subset(at, samples.size()));
  }

  /**
   * The sample order of one epoch: a seeded Fisher–Yates permutation of {@code [0, size())}
   * from {@code new Random(seed * 1_000_003 + epoch)}, or the identity when {@code shuffle} is
   * off.
   *
   * @param shuffle whether to shuffle
   * @param seed the training seed
   * @param epoch 0-based epoch (so every epoch differs)
   * @return the order
   */
  @Override
  public int[] epochOrder(boolean shuffle, long seed, int epoch) {
    return TrainingData.epochOrder(samples.size(), shuffle, seed, epoch);
  }

  /**
   * Packs a batch into caller-owned contiguous arrays without allocating: sample
   * {@code order[from + b]} goes to slot b, inputs as {@code [N, T, H, W, C]}, targets likewise.
   *
   * @param order sample indices
   * @param from first position in {@code order}
   * @param count batch size
   * @param inputs destination of at least {@code count * inputSize} floats
   * @param targets destination of at least {@code count * targetSize} floats
   */
  @Override
  public void packBatch(int[] order, int from, int count, float[] inputs, float[] targets) {
    if (samples.isEmpty()) {
      throw new IllegalStateException("cannot batch an empty dataset");
    }
    int in = samples.get(0).input().size();
    int out = samples.get(0).target().size();
    if (inputs.length < (long) count * in || targets.length < (long) count * out) {
      throw new IllegalArgumentException("batch buffers must hold " + count * (long) in + " and "
          + count * (long) out + " floats, got " + inputs.length + " and " + targets.length);
    }
    for (int b = 0; b < count; b++) {
      Sample s = samples.get(order[from + b]);
      s.input().copyTo(inputs, b * in);
      s.target().copyTo(targets, b * out);
    }
  }

  /**
   * The shape of every input.
   *
   * @return the first sample's input shape
   * @throws IllegalStateException if the dataset is empty
   */
  @Override
  public SequenceShape inputShape() {
    if (samples.isEmpty()) {
      throw new IllegalStateException("an empty dataset has no input shape");
    }
    FrameSequence s = samples.get(0).input();
    return new SequenceShape(s.frames(), s.frameShape());
  }

  /**
   * The shape of every target.
   *
   * @return the first sample's target shape
   * @throws IllegalStateException if the dataset is empty
   */
  @Override
  public SequenceShape targetShape() {
    if (samples.isEmpty()) {
      throw new IllegalStateException("an empty dataset has no target shape");
    }
    FrameSequence s = samples.get(0).target();
    return new SequenceShape(s.frames(), s.frameShape());
  }

  /**
   * The inputs.
   *
   * @return an unmodifiable list
   */
  public List<FrameSequence> inputs() {
    List<FrameSequence> l = new ArrayList<>(samples.size());
    samples.forEach(s -> l.add(s.input()));
    return Collections.unmodifiableList(l);
  }

  /**
   * The targets.
   *
   * @return an unmodifiable list
   */
  public List<FrameSequence> targets() {
    List<FrameSequence> l = new ArrayList<>(samples.size());
    samples.forEach(s -> l.add(s.target()));
    return Collections.unmodifiableList(l);
  }

  @Override
  public String toString() {
    return samples.isEmpty()
        ? "SequenceDataset[0 samples]"
        : "SequenceDataset[" + samples.size() + " samples, input "
            + samples.get(0).input().shapeString() + ", target "
            + samples.get(0).target().shapeString() + "]";
  }
}
