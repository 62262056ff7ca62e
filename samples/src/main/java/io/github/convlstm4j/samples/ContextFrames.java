package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.io.Npy;
import io.github.convlstm4j.api.io.Npz;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
   * @param movie the movie of an .npz holding several
   * @param array the .npz array to read
   */
  static FrameSequence read(Path path, int movie, String array) throws IOException {
    if (Files.isDirectory(path)) {
      return readPngs(path);
    }
    CommonOptions.requireFile(path, "input");
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".npy")) {
      return sequence(Npy.read(path), path.toString());
    }
    if (name.endsWith(".npz")) {
      Map<String, Tensor> arrays = Npz.readArrays(path);
      Tensor t = arrays.get(array);
      if (t == null && arrays.size() == 1) {
        t = arrays.values().iterator().next();
      }
      if (t == null) {
        throw new UserException(path + " has no array '" + array + "' (it has "
            + arrays.keySet() + "); choose one with --array");
      }
      if (t.rank() == 5) {
        List<FrameSequence> movies = MovieData.unstack(t, path + ":" + array);
        if (movie < 0 || movie >= movies.size()) {
          throw new UserException("--movie must be in [0, " + movies.size() + ") for " + path
              + ", got " + movie);
        }
        return movies.get(movie);
      }
      return sequence(t, path + ":" + array);
    }
    throw new UserException("input must be a .npy, a .npz or a folder of PNGs, got " + path);
  }

  /** {@code [T, H, W]} or {@code [T, H, W, C]} as a sequence. */
  static FrameSequence sequence(Tensor t, String source) {
    int[] s = t.shape();
    if (s.length == 3) {
      return FrameSequence.of(s[0], s[1], s[2], 1, t.toArray());
    }
    if (s.length == 4) {
      return FrameSequence.of(s[0], s[1], s[2], s[3], t.toArray());
    }
    throw new UserException(source + " must be [frames, height, width] or [frames, height, "
        + "width, channels], got shape " + t.shapeList());
  }

  /** PNG files of a folder, sorted by name, as one-channel frames (grey level / 255). */
  static FrameSequence readPngs(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png"))
          .sorted().collect(Collectors.toList());
    }
    if (files.isEmpty()) {
      throw new UserException("no .png files in folder " + dir);
    }
    int h = -1;
    int w = -1;
    float[] data = null;
    for (int i = 0; i < files.size(); i++) {
      BufferedImage img = ImageIO.read(files.get(i).toFile());
      if (img == null) {
        throw new UserException("not a readable PNG: " + files.get(i));
      }
      if (i == 0) {
        h = img.getHeight();
        w = img.getWidth();
        data = new float[files.size() * h * w];
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
