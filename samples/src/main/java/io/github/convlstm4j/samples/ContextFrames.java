package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.io.NpyFrames;
import io.github.convlstm4j.api.io.Npz;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

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
      return readPngs(path);
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

  /** PNG files of a folder, sorted by name, as one-channel frames (grey level / 255). */
  static FrameSequence readPngs(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")
              && Files.isRegularFile(p))
          .sorted().collect(Collectors.toList());
    }
    if (files.isEmpty()) {
      throw new UserException("no .png files in folder " + dir);
    }
    int h = -1;
    int w = -1;
    float[] data = null;
    for (int i = 0; i < files.size(); i++) {
      BufferedImage img;
      try {
        img = ImageIO.read(files.get(i).toFile());
      } catch (IOException e) {
        throw new IOException("cannot read " + files.get(i) + ": " + e.getMessage(), e);
      }
      if (img == null) {
        throw new UserException("not a readable PNG: " + files.get(i));
      }
      if (i == 0) {
        h = img.getHeight();
        w = img.getWidth();
        long values = Limits.product(files.size(), h, w);
        if (values > Limits.MAX_ARRAY) {
          throw new UserException(files.size() + " PNGs of " + w + "x" + h + " in " + dir
              + " are " + Limits.count(values) + " values, more than one sequence holds ("
              + Limits.count(Limits.MAX_ARRAY) + ")");
        }
        data = new float[(int) values];
      } else if (img.getHeight() != h || img.getWidth() != w) {
        throw new UserException(files.get(i) + " must be " + w + "x" + h + " like "
            + files.get(0) + ", got " + img.getWidth() + "x" + img.getHeight());
      }
      Raster r = img.getRaster();
      boolean gray = r.getNumBands() <= 2;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float v;
          if (gray) {
            v = r.getSample(x, y, 0) / 255f;
          } else {
            v = (r.getSample(x, y, 0) + r.getSample(x, y, 1) + r.getSample(x, y, 2)) / 765f;
          }
          data[(i * h + y) * w + x] = v;
        }
      }
    }
    return FrameSequence.of(files.size(), h, w, 1, data);
  }
}
