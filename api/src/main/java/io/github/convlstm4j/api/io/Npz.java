package io.github.convlstm4j.api.io;

import io.github.convlstm4j.api.Tensor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Reads and writes NumPy {@code .npz} archives: a zip of {@code <name>.npy} entries, as
 * {@code np.savez} (entries STORED) and {@code np.savez_compressed} (entries DEFLATED) write
 * them; both are read. Names may contain {@code '/'}: array {@code conv_lstm2d_0/kernel} is
 * entry {@code conv_lstm2d_0/kernel.npy} and {@code numpy.load} gives it back under the key
 * {@code conv_lstm2d_0/kernel}. Entries not ending in {@code .npy} (for example
 * {@code spec.properties}) are kept as raw bytes.
 *
 * <p>Writing is atomic (see {@link NpzWriter}). Reading reports a damaged archive as an
 * {@link NpyFormatException} naming the file and, where it can be located, the entry, for
 * example {@code "m.npz: entry conv3d/kernel.npy: expected 4320 bytes of data, got 100"}.
 */
public final class Npz {
  /** How entries are stored. */
  public enum Compression {
    /** Uncompressed, as {@code np.savez} writes. */
    STORED,
    /** Deflate-compressed, as {@code np.savez_compressed} writes. */
    DEFLATED
  }

  private static final String NPY_SUFFIX = ".npy";

  private Npz() {}

  /**
   * Reads an archive.
   *
   * @param path the {@code .npz} file
   * @return its arrays and other entries, in archive order
   * @throws NoSuchFileException naming the path if it does not exist
   * @throws NpyFormatException naming the file and entry if the archive or an array is damaged
   * @throws IOException on other read failures
   */
  public static NpzContents read(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    Map<String, Tensor> arrays = new LinkedHashMap<>();
    Map<String, byte[]> others = new LinkedHashMap<>();
    try (ZipFile zf = open(path)) {
      Enumeration<? extends ZipEntry> entries = zf.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        if (e.isDirectory()) {
          continue;
        }
        try (InputStream in = new BufferedInputStream(zf.getInputStream(e), 1 << 16)) {
          readEntry(path, e.getName(), in, arrays, others);
        }
      }
    }
    return new NpzContents(arrays, others);
  }

  /**
   * Reads only the headers of the arrays of an archive: names, dtypes and shapes, without the
   * data.
   *
   * @param path the {@code .npz} file
   * @return array name to header, in archive order
   * @throws IOException as {@link #read(Path)}
   */
  public static Map<String, NpyHeader> headers(Path path) throws IOException {
    Map<String, NpyHeader> out = new LinkedHashMap<>();
    try (ZipFile zf = open(path)) {
      for (ZipEntry e : arrayEntries(zf)) {
        try (InputStream in = new BufferedInputStream(zf.getInputStream(e))) {
          String name = e.getName();
          out.put(arrayName(name), Npy.readHeader(in, path + ": entry " + name));
        }
      }
    }
    return out;
  }

  /**
   * Streams one array of an archive.
   *
   * @param path the {@code .npz} file
   * @param arrayName the array, or {@code null} for the only array
   * @param reader reads the array from its stream; the source names file and entry
   * @return what the reader returns
   * @throws NpyFormatException if the array is absent, or none was named and there is not
   *     exactly one
   * @throws IOException on read failures
   */
  static <T> T readArray(Path path, String arrayName, ArrayReader<T> reader) throws IOException {
    try (ZipFile zf = open(path)) {
      List<ZipEntry> arrays = arrayEntries(zf);
      List<String> names = new ArrayList<>();
      arrays.forEach(e -> names.add(arrayName(e.getName())));
      ZipEntry chosen = null;
      if (arrayName == null) {
        if (arrays.size() != 1) {
          throw new NpyFormatException(path + ": expected exactly one array when no array name "
              + "is given, got " + names + "; name one of them");
        }
        chosen = arrays.get(0);
      } else {
        for (ZipEntry e : arrays) {
          if (arrayName(e.getName()).equals(arrayName)) {
            chosen = e;
          }
        }
        if (chosen == null) {
          throw new NpyFormatException(path + ": expected an array named '" + arrayName
              + "', got " + names);
        }
      }
      String source = path + ": entry " + chosen.getName();
      try (InputStream in = new BufferedInputStream(zf.getInputStream(chosen), 1 << 16)) {
        return reader.read(in, source);
      } catch (NpyFormatException e) {
        throw e;
      } catch (ZipException | java.io.EOFException e) {
        throw new NpyFormatException(source + ": " + e, e);
      }
    }
  }

  /** Reads an array from its entry stream. */
  @FunctionalInterface
  interface ArrayReader<T> {
    /**
     * Reads the array.
     *
     * @param in the entry's stream
     * @param source the file and entry, for messages
     * @return the result
     * @throws IOException on failure
     */
    T read(InputStream in, String source) throws IOException;
  }

  private static ZipFile open(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    if (!Files.exists(path)) {
      throw new NoSuchFileException(path.toString(), null, "no such .npz file");
    }
    if (Files.isDirectory(path)) {
      throw new IOException(path + ": expected an .npz file, got a directory");
    }
    try {
      return new ZipFile(path.toFile(), StandardCharsets.UTF_8);
    } catch (ZipException e) {
      throw diagnose(path, e);
    }
  }

  private static List<ZipEntry> arrayEntries(ZipFile zf) {
    List<ZipEntry> out = new ArrayList<>();
    Enumeration<? extends ZipEntry> entries = zf.entries();
    while (entries.hasMoreElements()) {
      ZipEntry e = entries.nextElement();
      if (!e.isDirectory() && e.getName().endsWith(NPY_SUFFIX)) {
        out.add(e);
      }
    }
    return out;
  }

  private static String arrayName(String entryName) {
    return entryName.substring(0, entryName.length() - NPY_SUFFIX.length());
  }

  /**
   * Reads only the arrays of an archive.
   *
   * @param path the {@code .npz} file
   * @return array name to tensor, in archive order
   * @throws IOException as {@link #read(Path)}
   */
  public static Map<String, Tensor> readArrays(Path path) throws IOException {
    return read(path).arrays();
  }

  /**
   * Writes arrays as an uncompressed archive like {@code np.savez}, atomically.
   *
   * @param path the file to create or replace
   * @param arrays array name to tensor, written in iteration order
   * @throws IOException on failure; an existing file is then unchanged
   */
  public static void write(Path path, Map<String, Tensor> arrays) throws IOException {
    write(path, arrays, Map.of(), Compression.STORED);
  }

  /**
   * Writes arrays and raw entries, atomically.
   *
   * @param path the file to create or replace
   * @param arrays array name to tensor, written first, in iteration order, as
   *     {@code <name>.npy}
   * @param otherEntries entry name to bytes, written after the arrays, in iteration order
   * @param compression how entries are stored
   * @throws IllegalArgumentException on an invalid or duplicate name
   * @throws IOException on failure; an existing file is then unchanged
   */
  public static void write(Path path, Map<String, Tensor> arrays,
      Map<String, byte[]> otherEntries, Compression compression) throws IOException {
    Objects.requireNonNull(arrays, "arrays");
    Objects.requireNonNull(otherEntries, "otherEntries");
    try (NpzWriter w = NpzWriter.open(path, compression)) {
      for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
        w.putArray(e.getKey(), e.getValue());
      }
      for (Map.Entry<String, byte[]> e : otherEntries.entrySet()) {
        w.putEntry(e.getKey(), e.getValue());
      }
      w.commit();
    }
  }

  private static void readEntry(Path path, String name, InputStream in,
      Map<String, Tensor> arrays, Map<String, byte[]> others) throws IOException {
    String source = path + ": entry " + name;
    try {
      if (name.endsWith(NPY_SUFFIX)) {
        arrays.put(name.substring(0, name.length() - NPY_SUFFIX.length()), Npy.read(in, source));
      } else {
        others.put(name, in.readAllBytes());
      }
    } catch (NpyFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new NpyFormatException(source + ": " + e, e);
    }
  }

  /**
   * Explains why the zip directory could not be read: walks the local entries one by one to
   * name the damaged entry.
   */
  private static NpyFormatException diagnose(Path path, ZipException zipError) {
    String why = zipError.getMessage();
    byte[] head;
    try (InputStream in = Files.newInputStream(path)) {
      head = in.readNBytes(6);
    } catch (IOException e) {
      return new NpyFormatException(path + ": not a readable .npz (zip) archive: " + why, e);
    }
    if (head.length == 6 && (head[0] & 0xFF) == 0x93 && head[1] == 'N') {
      return new NpyFormatException(path + ": expected an .npz (zip) archive, got an .npy "
          + "array (use Npy.read)", zipError);
    }
    if (head.length < 4 || head[0] != 'P' || head[1] != 'K') {
      return new NpyFormatException(path + ": expected an .npz (zip) archive starting with "
          + "\"PK\", got something else (" + why + ")", zipError);
    }
    String last = null;
    int count = 0;
    Map<String, Tensor> arrays = new LinkedHashMap<>();
    Map<String, byte[]> others = new LinkedHashMap<>();
    try (ZipInputStream zin =
        new ZipInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16))) {
      while (true) {
        ZipEntry e;
        try {
          e = zin.getNextEntry();
        } catch (IOException x) {
          return new NpyFormatException(path + ": damaged zip archive "
              + (last == null ? "at its first entry" : "after entry " + last) + ": " + x
              + " (central directory: " + why + ")", x);
        }
        if (e == null) {
          break;
        }
        last = e.getName();
        count++;
        if (!e.isDirectory()) {
          try {
            readEntry(path, e.getName(), zin, arrays, others);
          } catch (NpyFormatException x) {
            return new NpyFormatException(x.getMessage() + " (central directory: " + why + ")",
                x);
          }
        }
      }
    } catch (IOException e) {
      return new NpyFormatException(path + ": not a readable .npz (zip) archive: " + why, e);
    }
    return new NpyFormatException(path + ": damaged zip archive: " + why + "; all " + count
        + " entries up to " + last + " are readable, so the end of the file (the zip directory) "
        + "is missing or damaged (truncated file?)", zipError);
  }
}
