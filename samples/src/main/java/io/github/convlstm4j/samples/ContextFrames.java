package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.io.NpyFrames;
import io.github.convlstm4j.api.io.Npz;
import io.github.convlstm4j.api.io.PngFrames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads context frames for {@code forecast} from .npy, .npz or a folder of PNGs. */
final class ContextFrames {

  private ContextFrames() {}

  /**
   * Reads frames.
   *
   * @param path a .npy, an .npz or a folder of PNGs
   * @param layout the stored layout, or null for NTHWC (.npz) / THWC (.npy)
   * @param movie the sequence to take when the file holds several
   * @param array the .npz array to read, or null for the only one
   */
  static FrameSequence read(Path path, NpyFrames.Layout layout, int movie, String array)
      throws IOException {
    if (Files.isDirectory(path)) {
      if (movie < 0) {
        throw new UserException("--movie must be >= 0, got " + movie);
      }
      return readPngs(path, movie);
    }
    CommonOptions.requireFile(path, "input");
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean npz = name.endsWith(".npz");
    if (!npz && !name.endsWith(".npy")) {
      throw new UserException("input must be a .npy, a .npz or a folder of PNGs, got " + path);
    }
    NpyFrames.Layout l = layout != null ? layout
        : npz ? NpyFrames.Layout.NTHWC : NpyFrames.Layout.THWC;
    if (movie < 0) {
      throw new UserException("--movie must be >= 0, got " + movie);
    }
    // movie + 1 in long: --movie 2147483647 reads every sequence and is refused below with
    // their count, not with an overflowed maximum.
    NpyFrames.Options o = NpyFrames.Options.of(l)
        .withMaxSequences((int) Math.min((long) movie + 1, Integer.MAX_VALUE));
    if (npz && array != null) {
      Set<String> names = Npz.headers(path).keySet();
      if (!names.contains(array)) {
        throw new UserException(path + " has no array '" + array + "' (it has " + names
            + "); choose one with --array");
      }
      o = o.withArrayName(array);
    }
    List<FrameSequence> seqs = NpyFrames.read(path, o);
    if (movie >= seqs.size()) {
      throw new UserException("--movie must be below the " + seqs.size() + " sequence(s) of "
          + path + ", got " + movie);
    }
    return seqs.get(movie);
  }

  /**
   * The frames of a PNG folder ({@link io.github.convlstm4j.api.io.PngFrames}): a folder of
   * frames is one sequence; a folder of sequence folders gives sequence {@code movie}.
   */
  static FrameSequence readPngs(Path dir, int movie) throws IOException {
    PngFrames frames = PngFolders.open(dir);
    if (movie >= frames.sequences()) {
      throw new UserException("--movie must be below the " + frames.sequences()
          + " sequence folder(s) of " + dir + ", got " + movie);
    }
    return PngFolders.sequence(frames, movie, frames.frames(), dir);
  }
}
