package io.github.convlstm4j.api.io;

import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.data.FrameSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames from folders of PNG files, read lazily: opening lists the files and reads only each
 * file's 33-byte header; {@link #readFrame} decodes one file into the caller's array, so no more
 * than one frame per reading thread is ever in the heap. Decoding, channels and values are
 * {@link Png}'s: 8- or 16-bit grey (1 channel), grey + alpha (2), RGB (3) or RGBA (4); with
 * {@link NpyFrames.Scaling#AUTO} 8-bit samples are multiplied by {@code 1f / 255f}, 16-bit ones
 * kept exact (0 … 65535).
 *
 * <p>Two shapes of folder:
 * <ul>
 *   <li><b>a dataset</b> ({@link #open}): a folder holding one sub-folder per sequence, each with
 *       that sequence's frames; the sub-folders are the sequences in natural name order, and
 *       every sub-folder must hold the same number of frames;</li>
 *   <li><b>one long series</b>: a folder holding the frames themselves (one sequence).</li>
 * </ul>
 * {@link #open} tells them apart: a folder with at least one sub-folder is a dataset (loose
 * {@code .png} files beside the sub-folders are refused), a folder with {@code .png} files and
 * no sub-folder is a series. Files whose name does not end in {@code .png} (any case) and hidden
 * files (name starting with a dot) are ignored.
 *
 * <p><b>Order.</b> Frames (and sequence folders) are taken in <em>natural</em> name order:
 * names are compared piece by piece, runs of digits by their numeric value (so
 * {@code frame2.png} comes before {@code frame10.png}, and {@code frame002.png} before
 * {@code frame10.png}), other runs character by character; names equal that way (such as
 * {@code f1.png} and {@code f01.png}) are ordered by their plain string order.
 *
 * <p><b>Checked at open</b>, with an {@link NpyFormatException} naming the file, the expected and
 * the actual value: every frame has the first frame's size, bit depth and colour type (so the
 * same channels), e.g. {@code "seq2/f07.png: expected a 64x64 8-bit grey PNG like seq0/f00.png,
 * got 32x32 8-bit grey"}; every sequence has the first sequence's frame count; no folder is
 * empty. A damaged file (truncated data, CRC mismatch, corrupt compressed data) is found when
 * its frame is read: {@link #readFrame} then throws an {@link UncheckedIOException} whose cause
 * is an {@link NpyFormatException} naming the file; {@link #verify()} decodes every frame once
 * to find such files before a long run.
 *
 * <p>Immutable; {@link #readFrame} is safe to call from several threads.
 */
public final class PngFrames implements FrameSource {
  private static final Logger LOG = LoggerFactory.getLogger(PngFrames.class);

  /** Natural order of names; see the class description. */
  public static final Comparator<String> NATURAL_ORDER = PngFrames::compareNatural;

  private final Path root;
  private final List<List<Path>> files;
  private final Png.Header header;
  private final FrameShape frameShape;
  private final NpyFrames.Scaling scaling;

  private PngFrames(Path root, List<List<Path>> files, Png.Header header,
      NpyFrames.Scaling scaling) {
    this.root = root;
    this.files = files;
    this.header = header;
    this.frameShape = new FrameShape(header.height(), header.width(), header.channels());
    this.scaling = scaling;
  }

  /**
   * Opens a dataset or a series folder (see the class description), values scaled
   * {@link NpyFrames.Scaling#AUTO}.
   *
   * @param folder the folder
   * @return the frames
   * @throws IOException as {@link #open(Path, NpyFrames.Scaling)}
   */
  public static PngFrames open(Path folder) throws IOException {
    return open(folder, NpyFrames.Scaling.AUTO);
  }

  /**
   * Opens a dataset or a series folder (see the class description).
   *
   * @param folder the folder
   * @param scaling how samples become values
   * @return the frames
   * @throws NoSuchFileException if the folder does not exist
   * @throws NotDirectoryException if it is not a folder
   * @throws NpyFormatException naming the folder or file: no frames, {@code .png} files beside
   *     sequence folders, sequences of different lengths, a frame unlike the first, a header
   *     {@link Png#readHeader} refuses
   * @throws IOException on other read failures
   */
  public static PngFrames open(Path folder, NpyFrames.Scaling scaling) throws IOException {
    Objects.requireNonNull(folder, "folder");
    Objects.requireNonNull(scaling, "scaling");
    if (!Files.exists(folder)) {
      throw new NoSuchFileException(folder.toString(), null, "no such folder of PNG frames");
    }
    if (!Files.isDirectory(folder)) {
      throw new NotDirectoryException(folder + " (expected a folder of PNG frames or of "
          + "sequence folders)");
    }
    List<Path> subfolders = list(folder, true);
    List<Path> pngs = list(folder, false);
    List<List<Path>> sequences = new ArrayList<>();
    if (subfolders.isEmpty()) {
      if (pngs.isEmpty()) {
        throw new NpyFormatException(folder + ": expected .png frames or one sub-folder of "
            + ".png frames per sequence, got an empty folder");
      }
      sequences.add(pngs);
    } else {
      if (!pngs.isEmpty()) {
        throw new NpyFormatException(folder + ": expected either .png frames (one series) or "
            + "sub-folders (one per sequence), got both: " + subfolders.size()
            + " sub-folder(s) and " + pngs.size() + " .png file(s) such as "
            + pngs.get(0).getFileName());
      }
      for (Path s : subfolders) {
        List<Path> frames = list(s, false);
        if (frames.isEmpty()) {
          throw new NpyFormatException(s + ": expected .png frames in every sequence folder, "
              + "got none");
        }
        if (!sequences.isEmpty() && frames.size() != sequences.get(0).size()) {
          throw new NpyFormatException(s + ": expected " + sequences.get(0).size()
              + " frames like " + subfolders.get(0) + ", got " + frames.size());
        }
        sequences.add(frames);
      }
    }
    Path first = sequences.get(0).get(0);
    Png.Header h = Png.readHeader(first);
    long values = (long) h.width() * h.height() * h.channels();
    if (values > Integer.MAX_VALUE - 8) {
      throw new NpyFormatException(first + ": one frame of " + h.describe() + " exceeds "
          + (Integer.MAX_VALUE - 8) + " values");
    }
    for (List<Path> seq : sequences) {
      for (Path p : seq) {
        if (p == first) {
          continue;
        }
        Png.Header other = Png.readHeader(p);
        if (!other.equals(h)) {
          throw new NpyFormatException(p + ": expected a " + h.describe() + " PNG like "
              + first + ", got " + other.describe());
        }
      }
    }
    List<List<Path>> kept = new ArrayList<>();
    sequences.forEach(s -> kept.add(List.copyOf(s)));
    PngFrames f = new PngFrames(folder, List.copyOf(kept), h, scaling);
    LOG.debug("opened {}", f);
    return f;
  }

  private static List<Path> list(Path folder, boolean folders) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          return false;
        }
        return folders ? Files.isDirectory(p)
            : Files.isRegularFile(p) && name.toLowerCase(Locale.ROOT).endsWith(".png");
      }).sorted(Comparator.comparing(p -> p.getFileName().toString(), NATURAL_ORDER))
          .collect(Collectors.toList());
    }
  }

  /**
   * Decodes every frame once, one at a time, to find damaged files before a long run.
   *
   * @throws NpyFormatException naming the first damaged file
   * @throws IOException on other read failures
   */
  public void verify() throws IOException {
    float[] buffer = new float[frameShape.size()];
    for (List<Path> seq : files) {
      for (Path p : seq) {
        Png.read(p, header, scaling, buffer, 0);
      }
    }
  }

  /**
   * The folder opened.
   *
   * @return the path given to {@link #open}
   */
  public Path root() {
    return root;
  }

  /**
   * The PNG header every frame has.
   *
   * @return size, bit depth and colour type
   */
  public Png.Header header() {
    return header;
  }

  /**
   * The scaling values are read with.
   *
   * @return the scaling
   */
  public NpyFrames.Scaling scaling() {
    return scaling;
  }

  /**
   * The file of one frame.
   *
   * @param sequence in {@code [0, sequences())}
   * @param frame in {@code [0, frames())}
   * @return its path
   * @throws IndexOutOfBoundsException naming the index and its bound
   */
  public Path file(int sequence, int frame) {
    Objects.checkIndex(sequence, files.size());
    List<Path> seq = files.get(sequence);
    Objects.checkIndex(frame, seq.size());
    return seq.get(frame);
  }

  @Override
  public int sequences() {
    return files.size();
  }

  @Override
  public int frames() {
    return files.get(0).size();
  }

  @Override
  public FrameShape frameShape() {
    return frameShape;
  }

  /**
   * Decodes one frame's file into {@code dest}.
   *
   * @throws UncheckedIOException whose cause names the file, when it cannot be read or is
   *     damaged (an {@link NpyFormatException}), or was replaced by a PNG of another header
   */
  @Override
  public void readFrame(int sequence, int frame, float[] dest, int offset) {
    Path p = file(sequence, frame);
    Objects.checkFromIndexSize(offset, frameShape.size(), dest.length);
    try {
      Png.read(p, header, scaling, dest, offset);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "PngFrames[" + root + ": " + files.size() + " sequence(s) of " + frames()
        + " frames of " + header.describe() + "]";
  }

  /** Natural order: digit runs by value, other runs by character, then plain order. */
  static int compareNatural(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (isDigit(ca) && isDigit(cb)) {
        int ei = i;
        while (ei < a.length() && isDigit(a.charAt(ei))) {
          ei++;
        }
        int ej = j;
        while (ej < b.length() && isDigit(b.charAt(ej))) {
          ej++;
        }
        int si = i;
        while (si < ei - 1 && a.charAt(si) == '0') {
          si++;
        }
        int sj = j;
        while (sj < ej - 1 && b.charAt(sj) == '0') {
          sj++;
        }
        int c = Integer.compare(ei - si, ej - sj);
        if (c == 0) {
          c = a.substring(si, ei).compareTo(b.substring(sj, ej));
        }
        if (c != 0) {
          return c;
        }
        i = ei;
        j = ej;
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    int c = Integer.compare(a.length() - i, b.length() - j);
    return c != 0 ? c : a.compareTo(b);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
