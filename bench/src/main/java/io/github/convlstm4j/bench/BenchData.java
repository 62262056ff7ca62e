package io.github.convlstm4j.bench;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.data.MovingSquares;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The bench's input data: one batch, generated in memory (nothing is downloaded). */
final class BenchData {

  private BenchData() {}

  /**
   * One batch of {@code n} sequences of {@code frames} frames: moving-squares movies (the Keras
   * generator, inputs and next-frame targets) for 40×40×1 frames, uniform noise in [0, 1)
   * otherwise, with targets of the model's output shape.
   *
   * @param spec the model (for the target shape)
   * @param n sequences
   * @param frames frames per sequence
   * @param shape the input frame shape
   * @param seed the generator's seed
   */
  static SequenceDataset batch(ModelSpec spec, int n, int frames, FrameShape shape, long seed) {
    if (shape.height() == 40 && shape.width() == 40 && shape.channels() == 1) {
      return MovingSquares.keras().generate(n, frames, seed).toDataset();
    }
    Random rnd = new Random(seed);
    List<FrameSequence> in = new ArrayList<>();
    List<FrameSequence> out = new ArrayList<>();
    FrameShape outShape = spec.outputFrameShape(shape);
    int tOut = spec.outputFrames(frames);
    for (int i = 0; i < n; i++) {
      in.add(FrameSequence.of(frames, shape, uniform(rnd, frames * shape.size())));
      out.add(FrameSequence.of(tOut, outShape, uniform(rnd, tOut * outShape.size())));
    }
    return SequenceDataset.of(in, out);
  }

  private static float[] uniform(Random rnd, int size) {
    float[] a = new float[size];
    for (int j = 0; j < size; j++) {
      a[j] = rnd.nextFloat();
    }
    return a;
  }
}
