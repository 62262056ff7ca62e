package io.github.convlstm4j.api.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.data.FrameWindows;
import java.awt.image.BufferedImage;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders of PNG frames: order, shapes, checks, lazy reads. PNGs written by ImageIO. */
class PngFramesTest {
  @TempDir Path dir;

  /** 16-bit grey 3x2 frame whose samples encode (sequence, frame, pixel) exactly. */
  static int sample(int sequence, int frame, int pixel) {
    return 40000 + sequence * 1000 + frame * 10 + pixel;
  }

  static void write16(Path p, int sequence, int frame) throws Exception {
    BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
    for (int i = 0; i < 6; i++) {
      img.getRaster().setSample(i % 3, i / 3, 0, sample(sequence, frame, i));
    }
    Files.createDirectories(p.getParent());
    ImageIO.write(img, "png", p.toFile());
  }

  static void write8(Path p, int w, int h) throws Exception {
    Files.createDirectories(p.getParent());
    ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY), "png", p.toFile());
  }

  @Test
  @DisplayName("natural order: digit runs by value, then plain order")
  void naturalOrder() {
    List<String> names = new ArrayList<>(List.of("frame10.png", "frame2.png", "frame002.png",
        "frame1.png", "Frame3.png", "frame.png", "frame2b.png", "frame02.png", "a9z",
        "a10", "x", "frame99999999999999999999.png", "frame100000000000000000000.png"));
    names.sort(PngFrames.NATURAL_ORDER);
    assertEquals(List.of("Frame3.png", "a9z", "a10", "frame.png", "frame1.png", "frame002.png",
        "frame02.png", "frame2.png", "frame2b.png", "frame10.png",
        "frame99999999999999999999.png", "frame100000000000000000000.png", "x"), names);
  }

  @Test
  @DisplayName("a dataset folder: sub-folders are sequences, frames in natural order, 16-bit "
      + "values exact; read lazily through FrameWindows")
  void dataset() throws Exception {
    // written in another order than read; frame 10 must come after frame 2
    int[] numbers = {0, 1, 2, 10};
    for (int s = 2; s >= 0; s--) {
      for (int k = numbers.length - 1; k >= 0; k--) {
        write16(dir.resolve("seq" + (s == 2 ? "10" : Integer.toString(s)))
            .resolve("f" + numbers[k] + ".png"), s, k);
      }
    }
    Files.writeString(dir.resolve("seq0").resolve("notes.txt"), "ignored");
    Files.writeString(dir.resolve("seq1").resolve(".hidden.png"), "ignored");
    PngFrames f = PngFrames.open(dir);
    assertEquals(3, f.sequences());
    assertEquals(4, f.frames());
    assertEquals(new FrameShape(2, 3, 1), f.frameShape());
    assertEquals(dir.resolve("seq1").resolve("f10.png"), f.file(1, 3));
    assertEquals(dir.resolve("seq10").resolve("f0.png"), f.file(2, 0));
    float[] dest = new float[8];
    for (int s = 0; s < 3; s++) {
      for (int t = 0; t < 4; t++) {
        f.readFrame(s, t, dest, 2);
        for (int i = 0; i < 6; i++) {
          assertEquals((float) sample(s, t, i), dest[2 + i], 0f);
        }
      }
    }
    // the same windows as from the heap
    FrameWindows w = FrameWindows.of(f, FrameWindows.Spec.next(2, 1));
    assertEquals(3 * 2, w.size());
    f.verify();
    assertThrows(IndexOutOfBoundsException.class, () -> f.readFrame(3, 0, dest, 0));
  }

  @Test
  @DisplayName("a folder of frames is one long series")
  void series() throws Exception {
    for (int t = 0; t < 12; t++) {
      write16(dir.resolve("img_" + t + ".PNG"), 0, t);
    }
    PngFrames f = PngFrames.open(dir);
    assertEquals(1, f.sequences());
    assertEquals(12, f.frames());
    float[] dest = new float[6];
    f.readFrame(0, 11, dest, 0);
    assertEquals((float) sample(0, 11, 5), dest[5], 0f);
    assertEquals(dir.resolve("img_11.PNG"), f.file(0, 11));
  }

  @Test
  @DisplayName("mixed sizes, mixed depths, uneven sequences, empty folders, loose files beside "
      + "sequence folders: refused at open naming the file, expected and actual")
  void refusals() throws Exception {
    Path mixed = dir.resolve("mixed");
    write8(mixed.resolve("a").resolve("f1.png"), 4, 4);
    write8(mixed.resolve("a").resolve("f2.png"), 4, 4);
    write8(mixed.resolve("b").resolve("f1.png"), 4, 4);
    write8(mixed.resolve("b").resolve("f2.png"), 5, 4);
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> PngFrames.open(mixed));
    assertEquals(mixed.resolve("b").resolve("f2.png") + ": expected a 4x4 8-bit grey PNG like "
        + mixed.resolve("a").resolve("f1.png") + ", got 5x4 8-bit grey", e.getMessage());

    Path depth = dir.resolve("depth");
    write8(depth.resolve("f1.png"), 3, 2);
    write16(depth.resolve("f2.png"), 0, 0);
    e = assertThrows(NpyFormatException.class, () -> PngFrames.open(depth));
    assertTrue(e.getMessage().endsWith("got 3x2 16-bit grey"), e.getMessage());

    Path uneven = dir.resolve("uneven");
    write8(uneven.resolve("a").resolve("f1.png"), 4, 4);
    write8(uneven.resolve("a").resolve("f2.png"), 4, 4);
    write8(uneven.resolve("b").resolve("f1.png"), 4, 4);
    e = assertThrows(NpyFormatException.class, () -> PngFrames.open(uneven));
    assertEquals(uneven.resolve("b") + ": expected 2 frames like " + uneven.resolve("a")
        + ", got 1", e.getMessage());

    Path empty = Files.createDirectories(dir.resolve("empty"));
    e = assertThrows(NpyFormatException.class, () -> PngFrames.open(empty));
    assertTrue(e.getMessage().startsWith(empty + ": expected .png frames"), e.getMessage());
    Path emptySeq = Files.createDirectories(dir.resolve("emptyseq").resolve("s0"));
    e = assertThrows(NpyFormatException.class, () -> PngFrames.open(emptySeq.getParent()));
    assertTrue(e.getMessage().startsWith(emptySeq + ": expected .png frames in every "
        + "sequence folder, got none"), e.getMessage());

    Path loose = dir.resolve("loose");
    write8(loose.resolve("a").resolve("f1.png"), 4, 4);
    write8(loose.resolve("x.png"), 4, 4);
    e = assertThrows(NpyFormatException.class, () -> PngFrames.open(loose));
    assertTrue(e.getMessage().contains("got both"), e.getMessage());

    assertThrows(java.nio.file.NoSuchFileException.class,
        () -> PngFrames.open(dir.resolve("missing")));
    assertThrows(java.nio.file.NotDirectoryException.class,
        () -> PngFrames.open(loose.resolve("x.png")));
  }

  @Test
  @DisplayName("a frame damaged after open fails when read, naming the file; verify finds it")
  void damagedFrame() throws Exception {
    for (int t = 0; t < 3; t++) {
      write16(dir.resolve("f" + t + ".png"), 0, t);
    }
    PngFrames f = PngFrames.open(dir);
    Path bad = dir.resolve("f1.png");
    byte[] b = Files.readAllBytes(bad);
    Files.write(bad, Arrays.copyOf(b, b.length - 14));
    float[] dest = new float[6];
    f.readFrame(0, 0, dest, 0);
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> f.readFrame(0, 1, dest, 0));
    assertTrue(e.getCause() instanceof NpyFormatException);
    assertTrue(e.getMessage().startsWith(bad + ": truncated PNG"), e.getMessage());
    NpyFormatException v = assertThrows(NpyFormatException.class, f::verify);
    assertTrue(v.getMessage().startsWith(bad.toString()), v.getMessage());
    // the object stays usable
    f.readFrame(0, 2, dest, 0);
    assertEquals((float) sample(0, 2, 0), dest[0], 0f);
  }
}
