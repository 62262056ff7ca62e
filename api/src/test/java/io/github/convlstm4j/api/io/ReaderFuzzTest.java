package io.github.convlstm4j.api.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the NPY, NPZ and checkpoint readers (reliability issue, "done means"): valid files made
 * here (an {@code .npy} of every dtype the readers support, {@code .npz} archives STORED and
 * DEFLATED, a checkpoint) are damaged by seeded random truncations, bit flips and header edits,
 * and every reader that applies is run on each damaged file. Each read must either throw an
 * {@link IOException} or {@link IllegalArgumentException} whose message names the file (and
 * never says it ran out of memory: these files are a few kilobytes), or return exactly the right
 * value. Anything else fails: an {@link Error} (an {@link OutOfMemoryError} included), another
 * exception, more than {@value #CASE_SECONDS} seconds, or a different value.
 *
 * <p>"The right value": for a damaged archive, the original content (a damaged byte of an entry
 * is refused by its CRC-32; bytes the readers do not use, such as entry times, may change). A
 * plain {@code .npy} has no checksum, so damage that leaves a valid file is not detectable by
 * any reader; there the right value is what the damaged bytes mean, computed here
 * independently: a flipped data bit changes that element, a flipped byte-order character
 * ({@code '<'} to {@code '>'}) swaps every element's bytes, a character inserted into or deleted
 * from the shape that keeps its element count ({@code (3,)} to {@code (3,1)}) gives the same
 * values under that shape. The other header edits applied to {@code .npy} files either break the
 * header (sizes, dtype size, length field, version, magic: refused) or rewrite it equivalently
 * (key order, quotes, spaces, version 2.0: read as before); edits to another valid meaning that
 * would need a model of their own (a dtype of the same size, Fortran order) are left out. The
 * stream reader, which cannot know where its array ends, gets only truncations.
 */
class ReaderFuzzTest {
  static final int CASE_SECONDS = 10;
  private static final int DEFAULT_CASES = 400;
  private static final int SLOW_CASES = 4000;
  private static final int MAX_REPORTED = 20;

  @TempDir Path dir;

  private List<Fixture> fixtures;

  @BeforeEach
  void makeFixtures() throws Exception {
    fixtures = Fixtures.all(dir);
  }

  @Test
  void aFewHundredDamagedFilesAreEachRefusedNamingTheFileOrReadCorrectly() throws Exception {
    run(DEFAULT_CASES, 20250101L);
  }

  @Test
  @Tag("slow")
  void thousandsOfDamagedFilesAreEachRefusedNamingTheFileOrReadCorrectly() throws Exception {
    run(SLOW_CASES, 7L);
  }

  private void run(int cases, long seed) throws Exception {
    List<String> failures = new ArrayList<>();
    Map<String, Integer> tally = new TreeMap<>();
    for (int i = 0; i < cases; i++) {
      Random r = new Random(seed * 1_000_003L + i);
      Fixture f = fixtures.get(r.nextInt(fixtures.size()));
      Reader reader = f.readers().get(r.nextInt(f.readers().size()));
      Mutation m = reader.truncationOnly() ? Mutations.truncate(f, r) : Mutations.any(f, r);
      String name = "case" + i + (f.npy() != null ? ".npy" : ".npz");
      Path p = dir.resolve(name);
      Files.write(p, m.bytes());
      String where = "case " + i + " (seed " + seed + "): " + f.name() + ", " + reader.name()
          + ", " + m.description();
      String outcome = check(f, reader, m, p, where, failures);
      tally.merge(m.kind() + " -> " + outcome, 1, Integer::sum);
      Files.delete(p);
    }
    System.out.println("ReaderFuzzTest, " + cases + " cases: " + tally);
    if (!failures.isEmpty()) {
      fail(failures.size() + " of " + cases + " cases failed:\n" + String.join("\n",
          failures.subList(0, Math.min(MAX_REPORTED, failures.size()))));
    }
    int refused = tally.entrySet().stream().filter(e -> e.getKey().endsWith("refused"))
        .mapToInt(Map.Entry::getValue).sum();
    assertTrue(refused > cases / 2, "most damage is refused: " + tally);
    assertTrue(tally.keySet().stream().anyMatch(k -> k.endsWith("read as the original")),
        "some damage is harmless: " + tally);
  }

  /** Runs one read and judges it; returns the outcome's name for the tally. */
  private static String check(Fixture f, Reader reader, Mutation m, Path p, String where,
      List<String> failures) throws Exception {
    Object expected = switch (m.expect()) {
      case MUST_FAIL -> null;
      case PREDICTED -> f.npy().predict(reader, m.bytes());
      case RESHAPED -> {
        Object reshaped = f.npy().predictReshaped(reader, m.bytes());
        yield reshaped != null ? reshaped : reader.read(f.path());
      }
      default -> reader.read(f.path());
    };
    Object[] result = assertTimeoutPreemptively(Duration.ofSeconds(CASE_SECONDS), () -> {
      try {
        return new Object[] {reader.read(p), null};
      } catch (Throwable t) {
        return new Object[] {null, t};
      }
    }, where);
    Throwable t = (Throwable) result[1];
    if (t != null) {
      String msg = String.valueOf(t.getMessage());
      boolean clear = (t instanceof IOException || t instanceof IllegalArgumentException)
          && msg.contains(p.getFileName().toString()) && !msg.contains(FloatFill.NO_MEMORY);
      if (!clear) {
        failures.add(where + ": threw " + t + stackTop(t));
      } else if (m.expect() == Expect.MUST_READ) {
        failures.add(where + ": refused an equivalent file: " + t);
      }
      return "refused";
    }
    if (expected == null) {
      failures.add(where + ": read a damaged file without an error: " + result[0]);
      return "read when it must fail";
    }
    if (!expected.equals(result[0])) {
      failures.add(where + ": read a different value:\n  expected " + expected + "\n  got      "
          + result[0]);
      return "read wrong";
    }
    return !expected.equals(reader.read(f.path()))
        ? "read as the damaged bytes mean" : "read as the original";
  }

  private static String stackTop(Throwable t) {
    StackTraceElement[] s = t.getStackTrace();
    return s.length == 0 ? "" : " at " + s[0];
  }

  /** What a damaged file may read as. */
  enum Expect {
    /** Only a clear exception is right (truncated file). */
    MUST_FAIL,
    /** A clear exception, or the original value. */
    ORIGINAL,
    /** The original value; an exception is wrong (an equivalent rewrite). */
    MUST_READ,
    /** A clear exception, or what the damaged .npy bytes mean ({@link NpyInfo#predict}). */
    PREDICTED,
    /** A clear exception, or the values under the edited shape if it keeps their count. */
    RESHAPED
  }

  /**
   * A damaged file.
   *
   * @param kind truncate, flip or edit, for the tally
   * @param bytes the damaged content
   * @param description what was done, to reproduce and explain a failure
   * @param expect what it may read as
   */
  record Mutation(String kind, byte[] bytes, String description, Expect expect) {}

  /** Reads a file into a value that compares by content. */
  @FunctionalInterface
  interface Read {
    Object apply(Path p) throws Exception;
  }

  /** Predicts a reader's value from an .npy's element values in file order. */
  @FunctionalInterface
  interface Predict {
    Object apply(float[] fileOrder, ByteOrder order, List<Integer> shape, int dataOffset);
  }

  /**
   * A reader under test.
   *
   * @param name for messages
   * @param read the read
   * @param predict its value for given .npy elements, or null for archive readers
   * @param truncationOnly whether only truncations apply (the stream reader)
   */
  record Reader(String name, Read read, Predict predict, boolean truncationOnly) {
    Object read(Path p) throws Exception {
      return read.apply(p);
    }
  }

  /**
   * A valid file and the readers that apply to it.
   *
   * @param name for messages
   * @param path the valid file
   * @param bytes its content
   * @param readers the readers
   * @param npy for an .npy, how its bytes map to values; null for an archive
   */
  record Fixture(String name, Path path, byte[] bytes, List<Reader> readers, NpyInfo npy) {}

  /** An array's values and shape; equal when the float bits are (NaN equals NaN). */
  record Flat(List<Integer> shape, float[] data) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Flat f && shape.equals(f.shape) && Arrays.equals(data, f.data);
    }

    @Override
    public int hashCode() {
      return shape.hashCode() * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return shape + Arrays.toString(data);
    }

    static Flat of(Tensor t) {
      return new Flat(t.shapeList(), t.toArray());
    }
  }

  /**
   * How a valid .npy fixture is laid out, to damage its header and predict its values.
   *
   * @param dtype element type
   * @param order byte order
   * @param descr the dtype text written
   * @param shape sizes per axis
   * @param fortran whether the data is in Fortran order
   * @param data the data bytes
   * @param bytes the whole file
   * @param dataOffset header length
   * @param orderIndex position of the byte-order character of the descr
   */
  record NpyInfo(NpyDtype dtype, ByteOrder order, String descr, int[] shape, boolean fortran,
      byte[] data, byte[] bytes, int dataOffset, int orderIndex) {

    /**
     * What a reader must return for damaged bytes, if anything but an error: the elements as
     * the damaged data bytes encode them, with the byte order the damaged header names if only
     * its byte-order character changed, else the original one (other header damage must be
     * refused or be harmless).
     */
    Object predict(Reader reader, byte[] damaged) {
      ByteOrder o = order;
      boolean headerChanged = false;
      boolean onlyOrder = true;
      for (int i = 0; i < dataOffset; i++) {
        if (damaged[i] != bytes[i]) {
          headerChanged = true;
          onlyOrder &= i == orderIndex;
        }
      }
      if (headerChanged && onlyOrder) {
        char c = (char) damaged[orderIndex];
        o = c == '>' ? ByteOrder.BIG_ENDIAN : c == '=' ? ByteOrder.nativeOrder()
            : c == '<' || c == '|' ? ByteOrder.LITTLE_ENDIAN : null;
        if (o == null) {
          return null; // an unknown byte-order character must be refused
        }
      }
      return reader.predict().apply(decode(damaged, dataOffset, dtype, o, count()), o,
          shapeList(), dataOffset);
    }

    /**
     * What a reader must return for a file whose header dict was edited, if anything but an
     * error, when the edited shape (read here with a plain pattern) differs from the original
     * but has its element count: the original values under that shape. Null otherwise (then
     * only the original value is right).
     */
    Object predictReshaped(Reader reader, byte[] edited) {
      String text = new String(edited, 0, edited.length - data.length,
          StandardCharsets.ISO_8859_1);
      java.util.regex.Matcher m = java.util.regex.Pattern
          .compile("'shape': \\(([0-9L, ]*)\\)").matcher(text);
      List<Integer> s = new ArrayList<>();
      if (m.find()) {
        for (String item : m.group(1).split(",")) {
          String digits = item.strip();
          if (!digits.matches("[0-9]{1,9}L?")) {
            if (digits.isEmpty()) {
              continue;
            }
            return null; // not a shape: the reader must refuse it
          }
          s.add(Integer.parseInt(digits.replace("L", "")));
        }
        long n = s.stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b);
        if (n == count() && !s.equals(shapeList())) {
          return reader.predict().apply(decode(bytes, dataOffset, dtype, order, count()), order,
              s, edited.length - data.length);
        }
      }
      return null;
    }

    int count() {
      return (int) Tensor.elementCount(shape);
    }

    List<Integer> shapeList() {
      return Arrays.stream(shape).boxed().toList();
    }
  }

  /** Values in C order from values in file order (Fortran order if {@code fortran}). */
  static float[] cOrder(float[] fileOrder, List<Integer> shape, boolean fortran) {
    if (!fortran || shape.size() < 2) {
      return fileOrder;
    }
    int rank = shape.size();
    float[] c = new float[fileOrder.length];
    int[] index = new int[rank];
    for (int ci = 0; ci < c.length; ci++) {
      int fi = 0;
      for (int a = rank - 1; a >= 0; a--) {
        fi = fi * shape.get(a) + index[a];
      }
      c[ci] = fileOrder[fi];
      for (int a = rank - 1; a >= 0 && ++index[a] == shape.get(a); a--) {
        index[a] = 0;
      }
    }
    return c;
  }

  /**
   * Decodes elements as NpyDtype documents them: floats narrowed to float, integers converted,
   * bool any non-zero byte as 1.
   */
  static float[] decode(byte[] b, int offset, NpyDtype dtype, ByteOrder order, int count) {
    ByteBuffer v = ByteBuffer.wrap(b, offset, b.length - offset).slice().order(order);
    float[] out = new float[count];
    for (int i = 0; i < count; i++) {
      int at = i * dtype.itemSize();
      out[i] = switch (dtype) {
        case FLOAT32 -> v.getFloat(at);
        case FLOAT64 -> (float) v.getDouble(at);
        case UINT8 -> v.get(at) & 0xFF;
        case INT8 -> v.get(at);
        case UINT16 -> v.getShort(at) & 0xFFFF;
        case INT16 -> v.getShort(at);
        case INT32 -> v.getInt(at);
        case INT64 -> v.getLong(at);
        case BOOL -> v.get(at) != 0 ? 1 : 0;
      };
    }
    return out;
  }

  /** The valid files and their readers. */
  static final class Fixtures {
    private Fixtures() {}

    static List<Fixture> all(Path dir) throws IOException {
      Random r = new Random(42);
      List<Fixture> out = new ArrayList<>();
      out.add(npy(dir, "f4-le", "<f4", false, new int[] {2, 3, 4}, r, null));
      out.add(npy(dir, "f4-be", ">f4", false, new int[] {5}, r, null));
      out.add(npy(dir, "f8-fortran", "<f8", true, new int[] {3, 2}, r, null));
      out.add(npy(dir, "u1-tnhw", "|u1", false, new int[] {3, 4, 2, 2}, r,
          NpyFrames.Layout.TNHW));
      out.add(npy(dir, "i1", "|i1", false, new int[] {7}, r, null));
      out.add(npy(dir, "u2", "<u2", false, new int[] {2, 3}, r, null));
      out.add(npy(dir, "i2-be", ">i2", false, new int[] {4}, r, null));
      out.add(npy(dir, "i4-thw", "<i4", false, new int[] {2, 2, 2}, r, NpyFrames.Layout.THW));
      out.add(npy(dir, "i8", "<i8", false, new int[] {3}, r, null));
      out.add(npy(dir, "b1", "|b1", false, new int[] {6}, r, null));
      out.add(npy(dir, "f4-nthwc", "<f4", false, new int[] {2, 3, 2, 2, 1}, r,
          NpyFrames.Layout.NTHWC));
      out.add(npy(dir, "f4-scalar", "<f4", false, new int[0], r, null));

      Map<String, byte[]> raw = Map.of("spec.properties",
          "format=x\nsize=3\n".getBytes(StandardCharsets.UTF_8));
      for (Npz.Compression c : Npz.Compression.values()) {
        Path p = dir.resolve("sample-" + c + ".npz");
        Npz.write(p, NpzTest.sampleArrays(), raw, c);
        out.add(zip("npz-" + c, p, List.of(npzRead(), npzHeaders())));
        Path one = dir.resolve("clips-" + c + ".npz");
        Npz.write(one, Map.of("clips", Tensor.of(new int[] {3, 4, 2, 2}, values(48, r))));
        out.add(zip("frames-npz-" + c, one, List.of(frames(NpyFrames.Layout.TNHW, null),
            npzRead())));
      }
      ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2))
          .addLayer(BatchNormSpec.keras()).build();
      Path ck = dir.resolve("checkpoint.npz");
      Checkpoints.write(new Checkpoint(spec, CheckpointsTest.weightsFor(spec, 0.25f),
          ModelWeights.builder().put("adam/iterations", Tensor.of(new int[0], new float[] {3}))
              .build(), 2), ck);
      out.add(zip("checkpoint", ck, List.of(
          new Reader("Checkpoints.read", Checkpoints::read, null, false),
          new Reader("WeightsIo.load", p -> WeightsIo.load(p), null, false),
          npzHeaders())));
      return out;
    }

    private static float[] values(int n, Random r) {
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = r.nextInt(256) / 255f;
      }
      return v;
    }

    private static Fixture npy(Path dir, String name, String descr, boolean fortran,
        int[] shape, Random r, NpyFrames.Layout layout) throws IOException {
      NpyDtype dtype = NpyDtype.fromKindAndSize(descr.substring(1));
      ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
      int count = (int) Tensor.elementCount(shape);
      ByteBuffer data = ByteBuffer.allocate(count * dtype.itemSize()).order(order);
      for (int i = 0; i < count; i++) {
        switch (dtype) {
          case FLOAT32 -> data.putFloat((float) r.nextGaussian());
          case FLOAT64 -> data.putDouble(r.nextGaussian());
          case UINT8, INT8 -> data.put((byte) r.nextInt(256));
          case UINT16, INT16 -> data.putShort((short) r.nextInt(65536));
          case INT32 -> data.putInt(r.nextInt());
          case INT64 -> data.putLong(r.nextLong() >> 20);
          case BOOL -> data.put((byte) r.nextInt(2));
          default -> throw new IllegalStateException();
        }
      }
      String dict = Mutations.dict(descr, fortran, shape, Mutations.Style.NUMPY);
      byte[] bytes = NpyTest.npy(dict, data.array());
      int orderIndex = new String(bytes, StandardCharsets.ISO_8859_1).indexOf(descr);
      int dataOffset = bytes.length - data.capacity();
      NpyInfo info = new NpyInfo(dtype, order, descr, shape, fortran, data.array(), bytes,
          dataOffset, orderIndex);
      Path p = dir.resolve(name + ".npy");
      Files.write(p, bytes);
      List<Reader> readers = new ArrayList<>();
      readers.add(new Reader("Npy.read(Path)", q -> Flat.of(Npy.read(q)),
          (v, o, shp, off) -> new Flat(shp, cOrder(v, shp, fortran)), false));
      readers.add(new Reader("Npy.read(byte[])",
          q -> Flat.of(Npy.read(Files.readAllBytes(q), q.getFileName().toString())),
          (v, o, shp, off) -> new Flat(shp, cOrder(v, shp, fortran)), false));
      readers.add(new Reader("Npy.readHeader(Path)", q -> summary(Npy.readHeader(q)),
          (v, o, shp, off) -> summary(new NpyHeader(1, descr, dtype, o, fortran, shp, off)),
          false));
      readers.add(new Reader("Npy.read(InputStream)", q -> Flat.of(Npy.read(
          new ByteArrayInputStream(Files.readAllBytes(q)), q.getFileName().toString())),
          null, true));
      if (layout != null) {
        float scale = dtype == NpyDtype.UINT8 ? 1f / 255f : 1f;
        readers.add(frames(layout, (v, o, shp, off) -> {
          float[] s = v.clone();
          for (int i = 0; i < s.length; i++) {
            s[i] *= scale;
          }
          return new Flat(shp, s);
        }));
      }
      return new Fixture(name, p, bytes, readers, info);
    }

    private static Fixture zip(String name, Path p, List<Reader> readers) throws IOException {
      return new Fixture(name, p, Files.readAllBytes(p), readers, null);
    }

    /** The header without its raw descr text, so that '<u1' and '|u1' compare equal. */
    private static String summary(NpyHeader h) {
      ByteOrder o = h.dtype().itemSize() == 1 ? ByteOrder.LITTLE_ENDIAN : h.byteOrder();
      return h.dtype() + " " + o + " fortran=" + h.fortranOrder() + " " + h.shape() + " @"
          + h.dataOffset();
    }

    private static Reader npzRead() {
      return new Reader("Npz.read", p -> {
        NpzContents c = Npz.read(p);
        List<Object> v = new ArrayList<>();
        c.arrays().forEach((k, t) -> v.add(List.of(k, Flat.of(t))));
        for (String k : c.otherEntryNames()) {
          v.add(List.of(k, Base64.getEncoder().encodeToString(c.otherEntry(k))));
        }
        return v;
      }, null, false);
    }

    private static Reader npzHeaders() {
      return new Reader("Npz.headers", p -> List.copyOf(Npz.headers(p).entrySet()), null,
          false);
    }

    /** NpyFrames.read, its sequences back in the array's file order. */
    private static Reader frames(NpyFrames.Layout layout, Predict predict) {
      return new Reader("NpyFrames.read(" + layout + ")", p -> {
        List<FrameSequence> s = NpyFrames.read(p, layout);
        FrameSequence first = s.get(0);
        int t = first.frames();
        int frame = first.frameShape().size();
        float[] flat = new float[s.size() * t * frame];
        for (int n = 0; n < s.size(); n++) {
          float[] d = s.get(n).toArray();
          for (int ti = 0; ti < t; ti++) {
            int to = layout == NpyFrames.Layout.TNHW ? (ti * s.size() + n) * frame
                : (n * t + ti) * frame;
            System.arraycopy(d, ti * frame, flat, to, frame);
          }
        }
        List<Integer> shape = switch (layout) {
          case TNHW -> List.of(t, s.size(), first.height(), first.width());
          case NTHWC -> List.of(s.size(), t, first.height(), first.width(), first.channels());
          case THWC -> List.of(t, first.height(), first.width(), first.channels());
          case THW -> List.of(t, first.height(), first.width());
        };
        return new Flat(shape, flat);
      }, predict, false);
    }
  }

  /** The damage. */
  static final class Mutations {
    private Mutations() {}

    /** How a header dict is written. */
    enum Style {
      /** As numpy writes it. */
      NUMPY,
      /** Keys reversed, double quotes, extra spaces, Python 2 'L' suffixes. */
      UNUSUAL
    }

    static Mutation any(Fixture f, Random r) {
      return switch (r.nextInt(3)) {
        case 0 -> truncate(f, r);
        case 1 -> flip(f, r);
        default -> f.npy() != null ? editNpy(f, r) : editZip(f, r);
      };
    }

    static Mutation truncate(Fixture f, Random r) {
      int n = r.nextInt(f.bytes().length);
      return new Mutation("truncate", Arrays.copyOf(f.bytes(), n),
          "truncated to " + n + " of " + f.bytes().length + " bytes", Expect.MUST_FAIL);
    }

    /** One to three bits, anywhere or (half the time) in the header or zip records. */
    static Mutation flip(Fixture f, Random r) {
      byte[] b = f.bytes().clone();
      int bits = r.nextInt(4) == 0 ? 2 + r.nextInt(2) : 1;
      List<int[]> structure = structure(f);
      List<Integer> where = new ArrayList<>();
      for (int k = 0; k < bits; k++) {
        int pos;
        if (r.nextBoolean()) {
          pos = r.nextInt(b.length);
        } else {
          int[] range = structure.get(r.nextInt(structure.size()));
          pos = range[0] + r.nextInt(range[1] - range[0]);
        }
        int bit = r.nextInt(8);
        b[pos] ^= (byte) (1 << bit);
        where.add(pos * 8 + bit);
      }
      return new Mutation("flip", b, "bits flipped at byte*8+bit " + where,
          f.npy() != null ? Expect.PREDICTED : Expect.ORIGINAL);
    }

    /** Byte ranges of headers: the .npy header, or every zip record. */
    private static List<int[]> structure(Fixture f) {
      if (f.npy() != null) {
        return List.of(new int[] {0, f.npy().dataOffset()});
      }
      ZipLayout z = ZipLayout.of(f.bytes());
      List<int[]> out = new ArrayList<>();
      for (ZipLayout.Entry e : z.entries) {
        out.add(new int[] {e.localOffset(), e.dataOffset()});
        out.add(new int[] {e.centralOffset(), e.centralOffset() + 46 + e.name().length()});
      }
      out.add(new int[] {z.endOffset, z.endOffset + 22});
      return out;
    }

    static Mutation editNpy(Fixture f, Random r) {
      NpyInfo n = f.npy();
      byte[] b = f.bytes().clone();
      switch (r.nextInt(8)) {
        case 0: {
          String shape = otherShape(n.shape(), r);
          return npyEdit("shape " + shape, n, dict(n.descr(), n.fortran(), shape, Style.NUMPY),
              Expect.ORIGINAL);
        }
        case 1: {
          String descr = otherDescr(n, r);
          return npyEdit("descr " + descr, n, dict(descr, n.fortran(), tuple(n.shape(), ""),
              Style.NUMPY), Expect.ORIGINAL);
        }
        case 2: {
          int len = r.nextInt(65536);
          ZipLayout.put(b, 8, 2, len);
          return new Mutation("edit", b, "header length field " + len, Expect.ORIGINAL);
        }
        case 3: {
          int v = r.nextInt(256);
          b[6] = (byte) v;
          return new Mutation("edit", b, "major version " + v, Expect.ORIGINAL);
        }
        case 4: {
          int at = r.nextInt(6);
          b[at] = (byte) (b[at] + 1 + r.nextInt(255));
          return new Mutation("edit", b, "magic byte " + at + " changed", Expect.ORIGINAL);
        }
        case 5: {
          StringBuilder d = new StringBuilder(dict(n.descr(), n.fortran(), n.shape(),
              Style.NUMPY));
          int at = r.nextInt(d.length());
          String what;
          // Deleting the byte-order character gives another valid file (native order): the
          // flips cover that meaning change; here it would only be a wrong expectation.
          boolean orderChar = at == d.indexOf(n.descr());
          if (r.nextBoolean() && !orderChar) {
            what = "deleted '" + d.charAt(at) + "' at " + at;
            d.deleteCharAt(at);
          } else {
            char c = "(),:'\"{}0123456789 <>|TrueFalsefiub8L-".charAt(r.nextInt(38));
            what = "inserted '" + c + "' at " + at;
            d.insert(at, c);
          }
          return npyEdit(what, n, d.toString(), Expect.RESHAPED);
        }
        case 6:
          return npyEdit("rewritten equivalently", n,
              dict(n.descr(), n.fortran(), n.shape(), Style.UNUSUAL), Expect.MUST_READ);
        default:
          return new Mutation("edit", version2(dict(n.descr(), n.fortran(), n.shape(),
              Style.NUMPY), n.data()), "rewritten as version 2.0", Expect.MUST_READ);
      }
    }

    private static Mutation npyEdit(String what, NpyInfo n, String dict, Expect expect) {
      return new Mutation("edit", NpyTest.npy(dict, n.data()), "header " + what, expect);
    }

    /** A shape with another element count. */
    private static String otherShape(int[] shape, Random r) {
      long count = Tensor.elementCount(shape);
      switch (r.nextInt(5)) {
        case 0:
          return "(1000000000,)";
        case 1:
          return "(2147483647, 2147483647, 2147483647)";
        case 2:
          return "(9223372036854775807,)";
        case 3:
          return "(" + (count + 1 + r.nextInt(1000)) + ",)";
        default: {
          int[] s = shape.length == 0 ? new int[] {2} : shape.clone();
          s[r.nextInt(s.length)] += 1 + r.nextInt(3);
          return tuple(s, "");
        }
      }
    }

    /** A dtype of another item size, or one the readers do not support. */
    private static String otherDescr(NpyInfo n, Random r) {
      List<String> options = new ArrayList<>(List.of("<c8", "<U3", "|O", "<f2", "|V4", "<M8"));
      for (NpyDtype d : NpyDtype.values()) {
        if (d.itemSize() != n.dtype().itemSize()) {
          options.add((d.itemSize() == 1 ? "|" : "<") + d.kind() + d.itemSize());
        }
      }
      return options.get(r.nextInt(options.size()));
    }

    static String dict(String descr, boolean fortran, int[] shape, Style style) {
      return dict(descr, fortran, tuple(shape, style == Style.UNUSUAL ? "L" : ""), style);
    }

    static String dict(String descr, boolean fortran, String shape, Style style) {
      if (style == Style.NUMPY) {
        return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
            + ", 'shape': " + shape + ", }";
      }
      return "{ \"shape\" :  " + shape + " ,\t\"fortran_order\":" + (fortran ? "True" : "False")
          + " , \"descr\" : \"" + descr + "\" }";
    }

    static String tuple(int[] shape, String suffix) {
      String items = Arrays.stream(shape).mapToObj(s -> s + suffix)
          .collect(Collectors.joining(", "));
      return "(" + items + (shape.length == 1 ? ",)" : ")");
    }

    /** A version 2.0 file: a 4-byte header length. */
    private static byte[] version2(String dict, byte[] data) {
      int hlen = dict.length() + 1;
      int pad = 64 - (12 + hlen) % 64;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0});
      out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(hlen + pad)
          .array());
      out.writeBytes(dict.getBytes(StandardCharsets.ISO_8859_1));
      out.writeBytes(" ".repeat(pad).getBytes(StandardCharsets.ISO_8859_1));
      out.write('\n');
      out.writeBytes(data);
      return out.toByteArray();
    }

    /** A zip field set to an edge or random value, or a byte of an entry's data replaced. */
    static Mutation editZip(Fixture f, Random r) {
      byte[] b = f.bytes().clone();
      ZipLayout z = ZipLayout.of(b);
      ZipLayout.Entry e = z.entries.get(r.nextInt(z.entries.size()));
      int pick = r.nextInt(4);
      if (pick == 3) {
        if (e.compressedSize() == 0) {
          return flip(f, r);
        }
        int at = e.dataOffset() + r.nextInt(e.compressedSize());
        byte was = b[at];
        b[at] = (byte) (was + 1 + r.nextInt(255));
        return new Mutation("edit", b, "entry " + e.name() + " data byte " + at + " "
            + (was & 0xFF) + " -> " + (b[at] & 0xFF), Expect.ORIGINAL);
      }
      List<ZipLayout.Field> fields = pick == 0 ? ZipLayout.LOCAL_FIELDS
          : pick == 1 ? ZipLayout.CENTRAL_FIELDS : ZipLayout.END_FIELDS;
      int base = pick == 0 ? e.localOffset() : pick == 1 ? e.centralOffset() : z.endOffset;
      ZipLayout.Field field = fields.get(r.nextInt(fields.size()));
      long was = ZipLayout.get(b, base + field.offset(), field.length());
      long max = field.length() == 2 ? 0xFFFFL : 0xFFFFFFFFL;
      long value = switch (r.nextInt(6)) {
        case 0 -> 0;
        case 1 -> max;
        case 2 -> (was + 1) & max;
        case 3 -> (was - 1) & max;
        case 4 -> was ^ (1L << r.nextInt(8 * field.length()));
        default -> r.nextLong() & max;
      };
      ZipLayout.put(b, base + field.offset(), field.length(), value);
      return new Mutation("edit", b, (pick == 2 ? "" : "entry " + e.name() + " ")
          + field.name() + " " + was + " -> " + value, Expect.ORIGINAL);
    }
  }

  @Test
  void theFixturesAreReadAsTheIndependentDecoderPredicts() throws Exception {
    // Guards the oracle itself: on the valid files every reader agrees with the prediction.
    int checked = 0;
    for (Fixture f : fixtures) {
      for (Reader reader : f.readers()) {
        Object value = reader.read(f.path());
        if (f.npy() != null && reader.predict() != null) {
          assertEquals(f.npy().predict(reader, f.bytes()), value, f.name() + " " + reader.name());
          checked++;
        }
      }
    }
    assertTrue(checked >= 12 * 3, "checked " + checked);
  }
}
