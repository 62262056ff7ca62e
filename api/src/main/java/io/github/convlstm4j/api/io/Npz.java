package io.github.convlstm4j.api.io;

import io.github.convlstm4j.api.Tensor;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Reads and writes NumPy {@code .npz} archives: a zip of {@code <name>.npy} entries, as
 * {@code np.savez} (entries STORED) and {@code np.savez_compressed} (entries DEFLATED) write
 * them; both are read. Names may contain {@code '/'}: array {@code conv_lstm2d_0/kernel} is
 * entry {@code conv_lstm2d_0/kernel.npy} and {@code numpy.load} gives it back under the key
 * {@code conv_lstm2d_0/kernel}. Entries not ending in {@code .npy} (for example
 * {@code spec.properties}) are kept as raw bytes.
 *
 * <p>Writing is atomic (see {@link NpzWriter}). Reading trusts no number in the archive: the
 * zip directory is checked against the file before anything is inflated (every entry's local
 * header, name and data range; no overlapping entries; no entry name twice; no entry declaring
 * more than deflate can produce), each entry is inflated to exactly its declared size and no
 * further, the CRC-32 of every entry read is verified (as {@code numpy.load} does), and each
 * {@code .npy} inside must be exactly its header plus the data the header describes. A damaged
 * archive is an {@link NpyFormatException} naming the file and, where it can be located, the
 * entry, for example {@code "m.npz: entry conv3d/kernel.npy: expected 4320 bytes of data, got
 * 100"}; an archive too large for the heap is an {@link IOException} naming the file.
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
  /** Inflated bytes after which a diagnosis of a damaged archive stops looking. */
  private static final long DIAGNOSIS_BUDGET = 1L << 28;

  private Npz() {}

  /**
   * Reads an archive.
   *
   * @param path the {@code .npz} file
   * @return its arrays and other entries, in archive order
   * @throws NoSuchFileException naming the path if it does not exist
   * @throws NpyFormatException naming the file and entry if the archive or an array is damaged:
   *     truncated, a bad CRC-32, an entry name twice, sizes that do not match the file, ...
   * @throws IOException on other read failures, or naming the file if its entries do not fit
   *     in the heap
   */
  public static NpzContents read(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    Map<String, Tensor> arrays = new LinkedHashMap<>();
    Map<String, byte[]> others = new LinkedHashMap<>();
    try (ZipArchive zip = open(path)) {
      long total = zip.totalSize();
      long max = Runtime.getRuntime().maxMemory();
      if (total > max) {
        throw new IOException(path + ": its entries declare " + total + " bytes in all and "
            + FloatFill.NO_MEMORY + ": the JVM's maximum heap is " + max + " bytes (raise -Xmx)");
      }
      for (ZipArchive.Entry e : zip.entries()) {
        if (e.isDirectory()) {
          continue;
        }
        try (InputStream in = zip.open(e)) {
          String source = path + ": entry " + e.name();
          if (e.name().endsWith(NPY_SUFFIX)) {
            arrays.put(arrayName(e.name()),
                verified(in, () -> Npy.read(in, source, extent(e))));
          } else {
            others.put(e.name(), verified(in, in::readAllBytes));
          }
        }
      }
    }
    return new NpzContents(arrays, others);
  }

  /**
   * Reads only the headers of the arrays of an archive: names, dtypes and shapes. The data is
   * read too (not kept) to verify each entry's CRC-32, so this costs one pass over the file.
   *
   * @param path the {@code .npz} file
   * @return array name to header, in archive order
   * @throws IOException as {@link #read(Path)}
   */
  public static Map<String, NpyHeader> headers(Path path) throws IOException {
    Map<String, NpyHeader> out = new LinkedHashMap<>();
    try (ZipArchive zip = open(path)) {
      for (ZipArchive.Entry e : arrayEntries(zip)) {
        try (InputStream in = zip.open(e)) {
          out.put(arrayName(e.name()),
              verified(in, () -> Npy.readHeader(in, path + ": entry " + e.name(), extent(e))));
        }
      }
    }
    return out;
  }

  /**
   * Streams one array of an archive. The rest of the entry is read after {@code reader} returns,
   * so that its CRC-32 is verified even if the reader stopped early.
   *
   * @param path the {@code .npz} file
   * @param arrayName the array, or {@code null} for the only array
   * @param reader reads the array from its stream; the source names file and entry
   * @return what the reader returns
   * @throws NpyFormatException if the array is absent, or none was named and there is not
   *     exactly one, or the archive is damaged as {@link #read(Path)} describes
   * @throws IOException on read failures
   */
  static <T> T readArray(Path path, String arrayName, ArrayReader<T> reader) throws IOException {
    try (ZipArchive zip = open(path)) {
      ZipArchive.Entry chosen = choose(path, zip, arrayName);
      String source = path + ": entry " + chosen.name();
      NpyExtent extent = extent(chosen);
      try (InputStream in = zip.open(chosen)) {
        return verified(in, () -> reader.read(in, source, extent));
      }
    }
  }

  /** The array named {@code arrayName}, or the only array when it is null. */
  private static ZipArchive.Entry choose(Path path, ZipArchive zip, String arrayName)
      throws NpyFormatException {
    List<ZipArchive.Entry> arrays = arrayEntries(zip);
    List<String> names = new ArrayList<>();
    arrays.forEach(e -> names.add(arrayName(e.name())));
    if (arrayName == null) {
      if (arrays.size() != 1) {
        throw new NpyFormatException(path + ": expected exactly one array when no array name "
            + "is given, got " + names + "; name one of them");
      }
      return arrays.get(0);
    }
    ZipArchive.Entry chosen = null;
    for (ZipArchive.Entry e : arrays) {
      if (arrayName(e.name()).equals(arrayName)) {
        chosen = e;
      }
    }
    if (chosen == null) {
      throw new NpyFormatException(path + ": expected an array named '" + arrayName
          + "', got " + names);
    }
    return chosen;
  }

  /**
   * Where an uncompressed array of an archive lies in the file, for memory mapping.
   *
   * @param source the file and entry, for messages
   * @param header the array's header, checked against the entry's size
   * @param dataOffset the position of the array's first data byte in the file
   */
  record StoredArray(String source, NpyHeader header, long dataOffset) {}

  /**
   * Locates an uncompressed (STORED, as {@code np.savez} writes) array of an archive without
   * reading its data; its CRC-32 is not checked (that would read the whole array).
   *
   * @param path the {@code .npz} file
   * @param arrayName the array, or {@code null} for the only array
   * @return where its data lies
   * @throws NpyFormatException if the array is absent or ambiguous (as {@link #readArray}), is
   *     compressed, or its header does not match the entry's size
   * @throws IOException on read failures
   */
  static StoredArray locateStored(Path path, String arrayName) throws IOException {
    try (ZipArchive zip = open(path)) {
      ZipArchive.Entry e = choose(path, zip, arrayName);
      String source = path + ": entry " + e.name();
      if (e.method() != ZipArchive.STORED) {
        throw new NpyFormatException(source + ": expected an uncompressed (STORED) entry to map "
            + "into memory, got a compressed (DEFLATED) one: save the file with numpy.savez, "
            + "not numpy.savez_compressed (or use the .npy itself)");
      }
      try (InputStream in = zip.open(e)) {
        NpyHeader h = Npy.readHeader(in, source, NpyExtent.backedBy(e.size()));
        return new StoredArray(source, h, e.dataOffset() + h.dataOffset());
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
     * @param extent the entry's size, backed by the file if the entry is STORED
     * @return the result
     * @throws IOException on failure
     */
    T read(InputStream in, String source, NpyExtent extent) throws IOException;
  }

  /**
   * Runs a read of an entry's stream, then reads the rest of the entry so that its size and
   * CRC-32 are verified. If the read finds the content malformed and the entry's CRC-32 is bad
   * too, the CRC is the error reported (the content was damaged after it was written), with the
   * malformation as a suppressed exception.
   */
  private static <T> T verified(InputStream in, EntryRead<T> read) throws IOException {
    T result;
    try {
      result = read.run();
    } catch (NpyFormatException malformed) {
      try {
        ZipArchive.verifyRest(in);
      } catch (NpyFormatException damaged) {
        damaged.addSuppressed(malformed);
        throw damaged;
      }
      throw malformed;
    }
    ZipArchive.verifyRest(in);
    return result;
  }

  /** A read of an entry's stream. */
  @FunctionalInterface
  private interface EntryRead<T> {
    /**
     * Reads.
     *
     * @return what was read
     * @throws IOException on failure
     */
    T run() throws IOException;
  }

  /** A STORED entry's size is backed by the file; a DEFLATED entry's is only declared. */
  private static NpyExtent extent(ZipArchive.Entry e) {
    return e.method() == ZipArchive.STORED ? NpyExtent.backedBy(e.size())
        : NpyExtent.declared(e.size());
  }

  private static ZipArchive open(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    if (!Files.exists(path)) {
      throw new NoSuchFileException(path.toString(), null, "no such .npz file");
    }
    if (Files.isDirectory(path)) {
      throw new IOException(path + ": expected an .npz file, got a directory");
    }
    try {
      return ZipArchive.open(path);
    } catch (ZipException e) {
      throw diagnose(path, e);
    }
  }

  private static List<ZipArchive.Entry> arrayEntries(ZipArchive zip) {
    List<ZipArchive.Entry> out = new ArrayList<>();
    for (ZipArchive.Entry e : zip.entries()) {
      if (!e.isDirectory() && e.name().endsWith(NPY_SUFFIX)) {
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

  /**
   * Explains why the zip directory could not be read: walks the local entries one by one to
   * name the damaged entry. Allocates nothing from the archive's numbers and stops after
   * {@link #DIAGNOSIS_BUDGET} inflated bytes.
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
    boolean stopped = false;
    try (ZipInputStream zin =
        new ZipInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16))) {
      Budget budget = new Budget(zin);
      while (true) {
        ZipEntry e;
        try {
          e = zin.getNextEntry();
        } catch (IOException | RuntimeException x) {
          return new NpyFormatException(path + ": damaged zip archive "
              + (last == null ? "at its first entry" : "after entry " + last) + ": " + x
              + " (central directory: " + why + ")", x);
        }
        if (e == null) {
          break;
        }
        last = e.getName();
        count++;
        String source = path + ": entry " + last;
        try {
          if (last.endsWith(NPY_SUFFIX)) {
            NpyHeader h = Npy.readHeader(budget, source);
            new NpyDataReader(budget, h, source).skip(h.elementCount());
          }
          budget.transferTo(OutputStream.nullOutputStream());
        } catch (Budget.Exhausted x) {
          stopped = true;
          break;
        } catch (NpyFormatException x) {
          return new NpyFormatException(x.getMessage() + " (central directory: " + why + ")", x);
        } catch (IOException | RuntimeException x) {
          String what = x instanceof EOFException || String.valueOf(x.getMessage()).contains("EOF")
              ? "the file ends inside this entry (truncated file?)" : x.toString();
          return new NpyFormatException(source + ": " + what + " (central directory: " + why
              + ")", x);
        }
      }
    } catch (IOException e) {
      return new NpyFormatException(path + ": not a readable .npz (zip) archive: " + why, e);
    }
    if (stopped) {
      return new NpyFormatException(path + ": damaged zip archive: " + why + " (the first "
          + count + " entries, up to " + last + ", were checked as far as "
          + DIAGNOSIS_BUDGET + " bytes and are readable)", zipError);
    }
    return new NpyFormatException(path + ": damaged zip archive: " + why + "; all " + count
        + " entries up to " + last + " are readable, so the end of the file (the zip directory) "
        + "is missing or damaged (truncated file?)", zipError);
  }

  /** The entry data a diagnosis reads, stopping it after {@link #DIAGNOSIS_BUDGET} bytes. */
  private static final class Budget extends BlockInputStream {
    private final InputStream in;
    private long left = DIAGNOSIS_BUDGET;

    Budget(InputStream in) {
      this.in = in;
    }

    @Override
    protected int readSome(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        throw new Exhausted();
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    /** The budget is spent. */
    static final class Exhausted extends IOException {
      private static final long serialVersionUID = 1L;

      Exhausted() {
        super("diagnosis budget exhausted");
      }
    }
  }
}
