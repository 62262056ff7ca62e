package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.data.MovingSquares;
import io.github.convlstm4j.api.data.MovingSquares.Movies;
import io.github.convlstm4j.api.io.NpyFrames;
import io.github.convlstm4j.api.io.Npz;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Movie sets on disk: {@code .npz} archives with arrays {@code noisy}, {@code clean} and
 * {@code shifted}, each {@code [movies, frames, height, width, channels]} float32 (Keras'
 * {@code noisy_movies} layout; {@code numpy.load} reads them).
 */
final class MovieData {

  static final String NOISY = "noisy";
  static final String CLEAN = "clean";
  static final String SHIFTED = "shifted";

  private MovieData() {}

  /** Training movies: the first {@code --samples} of {@code data}, or generated from the seed. */
  static Movies trainingMovies(Path data, TrainingOptions t) throws IOException {
    if (data == null) {
      return MovingSquares.keras().generate(t.trainingMovies(), t.frames(), t.seed);
    }
    Movies all = read(data);
    int n = t.samples != null ? TrainingOptions.positive("--samples", t.samples) : all.size();
    if (n > all.size()) {
      throw new UserException("--samples " + n + " exceeds the " + all.size() + " movies in "
          + data);
    }
    return all.subset(0, n);
  }

  /** Writes movies as one .npz (atomically). */
  static void write(Movies m, Path file) throws IOException {
    Map<String, Tensor> arrays = new LinkedHashMap<>();
    arrays.put(NOISY, stack(m.noisy()));
    arrays.put(CLEAN, stack(m.clean()));
    arrays.put(SHIFTED, stack(m.shifted()));
    Npz.write(file, arrays);
  }

  /** Reads movies written by {@link #write} (streamed by {@link NpyFrames}, layout NTHWC). */
  static Movies read(Path file) throws IOException {
    CommonOptions.requireFile(file, "movies");
    Set<String> names = Npz.headers(file).keySet();
    if (!names.containsAll(List.of(NOISY, CLEAN, SHIFTED))) {
      throw new UserException(file + " must hold arrays noisy, clean and shifted (written by "
          + "'convlstm4j generate'), got " + names);
    }
    return new Movies(array(file, NOISY), array(file, CLEAN), array(file, SHIFTED));
  }

  private static List<FrameSequence> array(Path file, String name) throws IOException {
    return NpyFrames.read(file, NpyFrames.Options.of(NpyFrames.Layout.NTHWC)
        .withScaling(NpyFrames.Scaling.NONE).withArrayName(name));
  }

  /** {@code [N, T, H, W, C]} from N sequences of one shape. */
  static Tensor stack(List<FrameSequence> seqs) {
    FrameSequence first = seqs.get(0);
    int size = first.size();
    float[] data = new float[Math.multiplyExact(seqs.size(), size)];
    for (int i = 0; i < seqs.size(); i++) {
      seqs.get(i).requireSameShape(first);
      seqs.get(i).copyTo(data, i * size);
    }
    return Tensor.of(new int[] {seqs.size(), first.frames(), first.height(), first.width(),
        first.channels()}, data);
  }
}
