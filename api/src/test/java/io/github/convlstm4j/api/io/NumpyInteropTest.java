package io.github.convlstm4j.api.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks files against NumPy itself, the independent implementation of the format. Skipped
 * when {@code python3} with {@code numpy} is not installed.
 */
class NumpyInteropTest {
  @TempDir Path dir;

  private static boolean numpyAvailable;

  @BeforeAll
  static void probePython() {
    try {
      numpyAvailable = python("import numpy").exitCode == 0;
    } catch (IOException | InterruptedException e) {
      numpyAvailable = false;
    }
  }

  @Test
  void numpyLoadsWhatJavaWrites() throws Exception {
    Assumptions.assumeTrue(numpyAvailable, "python3 with numpy not installed");
    Map<String, Tensor> arrays = new LinkedHashMap<>(NpzTest.sampleArrays());
    arrays.put("conv3d/kernel", NpzTest.ramp(3, 3, 3, 4, 1));
    Path p = dir.resolve("java.npz");
    Npz.write(p, arrays, Map.of("spec.properties", "k=v\n".getBytes(StandardCharsets.UTF_8)),
        Npz.Compression.STORED);
    Path q = dir.resolve("java-deflated.npz");
    Npz.write(q, arrays, Map.of(), Npz.Compression.DEFLATED);

    String script = String.join("\n",
        "import numpy as np, sys",
        "for path in sys.argv[1:]:",
        "    z = np.load(path)",
        "    for k in z.files:",
        "        v = z[k]",
        "        if isinstance(v, bytes):",
        "            print(k, 'bytes', len(v))",
        "        else:",
        "            print(k, v.dtype.str, 'x'.join(map(str, v.shape)) or '-',",
        "                  repr(float(v.astype(np.float64).sum())))");
    Result r = python(script, p.toString(), q.toString());
    assertEquals(0, r.exitCode, r.output);

    List<String> expected = new ArrayList<>();
    for (int pass = 0; pass < 2; pass++) {
      for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
        Tensor t = e.getValue();
        double sum = 0;
        for (int i = 0; i < t.size(); i++) {
          sum += t.get(i);
        }
        String shape = t.rank() == 0 ? "-" : String.join("x",
            t.shapeList().stream().map(String::valueOf).toList());
        expected.add(e.getKey() + " <f4 " + shape + " " + sum);
      }
      if (pass == 0) {
        expected.add("spec.properties bytes 4");
      }
    }
    assertEquals(expected, r.lines());
  }

  @Test
  void javaWritesTheSameNpyBytesAsNumpySave() throws Exception {
    Assumptions.assumeTrue(numpyAvailable, "python3 with numpy not installed");
    List<int[]> shapes = List.of(new int[0], new int[] {2}, new int[] {2, 3},
        new int[] {15, 40, 40, 1}, new int[] {0}, new int[] {1, 2, 3, 4, 5, 6});
    for (int[] shape : shapes) {
      Tensor t = NpzTest.ramp(shape);
      Path ours = dir.resolve("ours.npy");
      Npy.write(t, ours);
      Path theirs = dir.resolve("theirs.npy");
      // numpy writes the same values (read back from our file) with np.save.
      Result r = python("import numpy as np, sys\n"
          + "np.save(sys.argv[2], np.load(sys.argv[1]))", ours.toString(), theirs.toString());
      assertEquals(0, r.exitCode, r.output);
      assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours),
          "bytes for shape " + t.shapeList());
    }
  }

  @Test
  void javaReadsWhatNumpyWrites() throws Exception {
    Assumptions.assumeTrue(numpyAvailable, "python3 with numpy not installed");
    Path p = dir.resolve("py.npz");
    Path c = dir.resolve("py-compressed.npz");
    String script = String.join("\n",
        "import numpy as np, sys",
        "a = np.asfortranarray(np.arange(24, dtype=np.float64).reshape(2, 3, 4) * 0.5)",
        "assert a.flags.f_contiguous and not a.flags.c_contiguous",
        "u = np.array([[0, 1], [128, 255]], dtype=np.uint8)",
        "b = np.array([1.5, -2.25], dtype='>f4')",
        "s = np.float32(7.25)",
        "i = np.arange(-3, 3, dtype=np.int64).reshape(3, 2)",
        "np.savez(sys.argv[1], **{'f64/fortran': a, 'u8': u, 'big': b, 'scalar': s, 'i64': i})",
        "np.savez_compressed(sys.argv[2], f64=a)");
    Result r = python(script, p.toString(), c.toString());
    assertEquals(0, r.exitCode, r.output);

    NpzContents z = Npz.read(p);
    assertEquals(List.of("f64/fortran", "u8", "big", "scalar", "i64"),
        List.copyOf(z.arrays().keySet()));
    Tensor f = z.array("f64/fortran");
    assertEquals(List.of(2, 3, 4), f.shapeList());
    // arange(24).reshape(2, 3, 4) * 0.5 in C order is simply 0, 0.5, 1, ...
    for (int i = 0; i < 24; i++) {
      assertEquals(i * 0.5f, f.get(i), 0f, "index " + i);
    }
    assertArrayEquals(new float[] {0, 1, 128, 255}, z.array("u8").toArray());
    assertArrayEquals(new float[] {1.5f, -2.25f}, z.array("big").toArray());
    assertEquals(0, z.array("scalar").rank());
    assertEquals(7.25f, z.array("scalar").get(0));
    assertArrayEquals(new float[] {-3, -2, -1, 0, 1, 2}, z.array("i64").toArray());
    assertEquals(f, Npz.read(c).array("f64"));
  }

  @Test
  void numpyOpensACheckpoint() throws Exception {
    Assumptions.assumeTrue(numpyAvailable, "python3 with numpy not installed");
    Checkpoint ck = CheckpointsTest.sample();
    Path p = dir.resolve("ck.npz");
    Checkpoints.write(ck, p);
    String script = String.join("\n",
        "import numpy as np, sys",
        "z = np.load(sys.argv[1])",
        "print(z['conv_lstm2d_0/kernel'].shape)",
        "print(z['optimizer/adam/iterations'])",
        "print(b'inputChannels=1' in z['spec.properties'])",
        "print(z['checkpoint.properties'].decode().splitlines()[1])");
    Result r = python(script, p.toString());
    assertEquals(0, r.exitCode, r.output);
    assertEquals(List.of("(3, 3, 1, 8)", "12.0", "True", "epochsCompleted=3"), r.lines());
  }

  @Test
  void readsAMovingMnistShapedUint8FileFromNumpy() throws Exception {
    Assumptions.assumeTrue(numpyAvailable, "python3 with numpy not installed");
    Path p = dir.resolve("mnist_like.npy");
    // numpy writes (T, N, H, W) uint8 and prints each sequence's sum over (T, H, W).
    String script = String.join("\n",
        "import numpy as np, sys",
        "a = np.random.default_rng(3).integers(0, 256, size=(5, 7, 6, 6), dtype=np.uint8)",
        "np.save(sys.argv[1], a)",
        "for n in range(a.shape[1]):",
        "    print(int(a[:, n].astype(np.int64).sum()), int(a[4, n, 5, 2]))");
    Result r = python(script, p.toString());
    assertEquals(0, r.exitCode, r.output);
    List<io.github.convlstm4j.api.FrameSequence> seqs =
        NpyFrames.read(p, NpyFrames.Layout.TNHW);
    assertEquals(7, seqs.size());
    for (int n = 0; n < 7; n++) {
      String[] expected = r.lines().get(n).split(" ");
      float[] v = seqs.get(n).toArray();
      long sum = 0;
      for (float x : v) {
        sum += Math.round(x * 255);
      }
      assertEquals(Long.parseLong(expected[0]), sum, "sum of sequence " + n);
      assertEquals(Integer.parseInt(expected[1]) / 255f, seqs.get(n).get(4, 5, 2, 0), 1e-7f);
    }
  }

  @Test
  void numpyRefusesACheckpointWithAFlippedBitAsJavaDoes() throws Exception {
    Assumptions.assumeTrue(numpyAvailable, "python3 with numpy not installed");
    Path p = dir.resolve("flipped.npz");
    Checkpoints.write(CheckpointsTest.sample(), p);
    byte[] b = Files.readAllBytes(p);
    ZipLayout.Entry e = ZipLayout.of(b).entry("conv3d/bias.npy");
    b[e.dataOffset() + 128 + 3] ^= 0x40; // the sign bit's neighbour in the only value
    Files.write(p, b);
    Result r = python(String.join("\n",
        "import numpy as np, sys",
        "try:",
        "    print(np.load(sys.argv[1])['conv3d/bias'])",
        "except Exception as e:",
        "    print(type(e).__name__, e)"), p.toString());
    assertEquals(0, r.exitCode, r.output);
    assertEquals("BadZipFile Bad CRC-32 for file 'conv3d/bias.npy'", r.lines().get(0));
    NpyFormatException x = assertThrows(NpyFormatException.class, () -> Checkpoints.read(p));
    assertTrue(x.getMessage().contains("flipped.npz: entry conv3d/bias.npy: bad CRC-32"),
        x.getMessage());
  }

  @Test
  void javaReadsZip64DirectoriesAsPythonWritesThem() throws Exception {
    Assumptions.assumeTrue(numpyAvailable, "python3 with numpy not installed");
    // Python switches to zip64 fields (sizes and offsets in the directory, the zip64 end
    // record) past ZIP64_LIMIT; lowering it makes a small file use all of them.
    Path p = dir.resolve("zip64.npz");
    Result r = python(String.join("\n",
        "import io, sys, zipfile, numpy as np",
        "zipfile.ZIP64_LIMIT = 8",
        "zipfile.ZIP_FILECOUNT_LIMIT = 1",
        "arrays = {'a': np.arange(6, dtype='<f4').reshape(2, 3) / 4, 'b': np.ones(5, '<f8')}",
        "with zipfile.ZipFile(sys.argv[1], 'w', allowZip64=True) as z:",
        "    for i, (k, v) in enumerate(arrays.items()):",
        "        buf = io.BytesIO(); np.save(buf, v)",
        "        method = zipfile.ZIP_DEFLATED if i else zipfile.ZIP_STORED",
        "        z.writestr(zipfile.ZipInfo(k + '.npy'), buf.getvalue(), compress_type=method)",
        "data = open(sys.argv[1], 'rb').read()",
        "print(data.count(b'PK\\x06\\x06'), data.count(b'PK\\x06\\x07'))"), p.toString());
    assertEquals(0, r.exitCode, r.output);
    assertEquals("1 1", r.lines().get(0), "a zip64 end record and locator were written");
    NpzContents z = Npz.read(p);
    assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f, 1, 1.25f}, z.array("a").toArray());
    assertEquals(List.of(2, 3), z.array("a").shapeList());
    assertArrayEquals(new float[] {1, 1, 1, 1, 1}, z.array("b").toArray());
  }

  private record Result(int exitCode, String output) {
    List<String> lines() {
      return output.lines().toList();
    }
  }

  private static Result python(String script, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("python3", "-c", script));
    cmd.addAll(List.of(args));
    Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = proc.getInputStream().readAllBytes();
    if (!proc.waitFor(60, TimeUnit.SECONDS)) {
      proc.destroyForcibly();
      return new Result(-1, "timeout");
    }
    return new Result(proc.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
