package io.github.convlstm4j.api.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.FrameSequence;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PNG codec against an independent implementation: the JDK's ImageIO writes the files read
 * here (with its adaptive row filters, so every filter type occurs) and reads the files written
 * here. Expected values are the samples the test put in, scaled as documented.
 */
class PngTest {
  @TempDir Path dir;

  static final int W = 23;
  static final int H = 17;

  /** Samples with smooth parts and noise, so that ImageIO picks several row filters. */
  static int[][] samples(int bands, int max, long seed) {
    Random r = new Random(seed);
    int[][] s = new int[bands][W * H];
    for (int b = 0; b < bands; b++) {
      for (int i = 0; i < W * H; i++) {
        int x = i % W;
        int y = i / W;
        s[b][i] = (i % 3 == 0) ? r.nextInt(max + 1) : (x * 37 + y * 91 + b * 13) * 97 % (max + 1);
      }
      s[b][0] = 0;
      s[b][1] = max;
    }
    return s;
  }

  static BufferedImage image(int bands, boolean sixteen) {
    if (!sixteen && bands == 1) {
      return new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
    }
    if (sixteen && bands == 1) {
      return new BufferedImage(W, H, BufferedImage.TYPE_USHORT_GRAY);
    }
    ColorSpace cs = ColorSpace.getInstance(bands <= 2 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
    boolean alpha = bands == 2 || bands == 4;
    ComponentColorModel cm = new ComponentColorModel(cs, alpha, false,
        alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
        sixteen ? DataBuffer.TYPE_USHORT : DataBuffer.TYPE_BYTE);
    WritableRaster r = cm.createCompatibleWritableRaster(W, H);
    return new BufferedImage(cm, r, false, null);
  }

  /** Writes the samples with ImageIO; band order = PNG channel order (grey/RGB, then alpha). */
  Path writeWithImageIo(String name, int[][] s, boolean sixteen) throws Exception {
    BufferedImage img = image(s.length, sixteen);
    WritableRaster r = img.getRaster();
    assertEquals(s.length, r.getNumBands());
    for (int b = 0; b < s.length; b++) {
      for (int i = 0; i < W * H; i++) {
        r.setSample(i % W, i / W, b, s[b][i]);
      }
    }
    Path p = dir.resolve(name);
    assertTrue(ImageIO.write(img, "png", p.toFile()));
    return p;
  }

  @Test
  @DisplayName("8- and 16-bit grey, grey+alpha, RGB and RGBA written by ImageIO read exactly: "
      + "8-bit times 1f/255f, 16-bit as stored, channels in PNG order")
  void readsEveryKind() throws Exception {
    int[] colorTypes = {0, 4, 2, 6};
    for (int bands = 1; bands <= 4; bands++) {
      for (boolean sixteen : new boolean[] {false, true}) {
        int max = sixteen ? 65535 : 255;
        int[][] s = samples(bands, max, bands * 10L + (sixteen ? 1 : 0));
        Path p = writeWithImageIo("k" + bands + sixteen + ".png", s, sixteen);
        Png.Header h = Png.readHeader(p);
        assertEquals(new Png.Header(W, H, sixteen ? 16 : 8, colorTypes[bands - 1]), h);
        assertEquals(bands, h.channels());
        float[] got = new float[3 + W * H * bands];
        Png.read(p, NpyFrames.Scaling.AUTO, got, 3);
        for (int i = 0; i < W * H; i++) {
          for (int b = 0; b < bands; b++) {
            float expected = sixteen ? (float) s[b][i] : s[b][i] * (1f / 255f);
            assertEquals(expected, got[3 + i * bands + b], 0f,
                "bands " + bands + ", 16-bit " + sixteen + ", pixel " + i + ", channel " + b);
          }
        }
        float[] raw = new float[W * H * bands];
        Png.read(p, NpyFrames.Scaling.NONE, raw, 0);
        assertEquals(s[0][1], raw[bands], 0f); // pixel 1, channel 0 = max, unscaled
      }
    }
  }

  @Test
  @DisplayName("what Png.write writes, ImageIO reads back to the same samples, and Png reads "
      + "back to the same values (8-bit: round(v*255), 16-bit: round(v), clipped)")
  void writesWhatImageIoReads() throws Exception {
    for (int channels = 1; channels <= 4; channels++) {
      for (int depth : new int[] {8, 16}) {
        int max = depth == 16 ? 65535 : 255;
        int[][] s = samples(channels, max, 100 + channels * depth);
        float[] v = new float[2 * W * H * channels];
        for (int i = 0; i < W * H; i++) {
          for (int b = 0; b < channels; b++) {
            // frame 1 holds the samples in value units; frame 0 values out of range
            v[W * H * channels + i * channels + b] = depth == 16 ? s[b][i] : s[b][i] / 255f;
            v[i * channels + b] = (i % 2 == 0) ? -5f : 1e9f;
          }
        }
        FrameSequence seq = FrameSequence.of(2, H, W, channels, v);
        Path p = dir.resolve("w" + channels + "_" + depth + ".png");
        Png.write(seq, 1, depth, NpyFrames.Scaling.AUTO, p);
        BufferedImage img = ImageIO.read(p.toFile());
        Raster r = img.getRaster();
        assertEquals(channels, r.getNumBands());
        assertEquals(depth, img.getColorModel().getComponentSize(0));
        for (int i = 0; i < W * H; i++) {
          for (int b = 0; b < channels; b++) {
            assertEquals(s[b][i], r.getSample(i % W, i / W, b), "pixel " + i + " band " + b);
          }
        }
        float[] back = new float[W * H * channels];
        Png.read(p, NpyFrames.Scaling.AUTO, back, 0);
        for (int i = 0; i < back.length; i++) {
          int sample = s[i % channels][i / channels];
          float expected = depth == 16 ? (float) sample : sample * (1f / 255f);
          assertEquals(expected, back[i], 0f);
        }
        Path clipped = dir.resolve("c" + channels + "_" + depth + ".png");
        Png.write(seq, 0, depth, NpyFrames.Scaling.AUTO, clipped);
        Raster c = ImageIO.read(clipped.toFile()).getRaster();
        assertEquals(0, c.getSample(0, 0, 0));
        assertEquals(max, c.getSample(1, 0, 0));
      }
    }
  }

  @Test
  @DisplayName("damaged files are refused naming the file, the expected and the actual value")
  void damagedFiles() throws Exception {
    int[][] s = samples(1, 255, 7);
    Path good = writeWithImageIo("good.png", s, false);
    byte[] bytes = Files.readAllBytes(good);
    float[] dest = new float[W * H];

    Path truncated = dir.resolve("truncated.png");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 30));
    NpyFormatException e = assertThrows(NpyFormatException.class,
        () -> Png.read(truncated, NpyFrames.Scaling.AUTO, dest, 0));
    assertTrue(e.getMessage().startsWith(truncated + ": truncated PNG"), e.getMessage());
    // the header alone is fine: damage is found when the frame is decoded
    assertEquals(W, Png.readHeader(truncated).width());

    Path shortHeader = dir.resolve("short.png");
    Files.write(shortHeader, Arrays.copyOf(bytes, 20));
    e = assertThrows(NpyFormatException.class, () -> Png.readHeader(shortHeader));
    assertTrue(e.getMessage().contains("expected at least 33 bytes (signature and IHDR "
        + "chunk), got 20"), e.getMessage());

    Path flipped = dir.resolve("flipped.png");
    byte[] f = bytes.clone();
    f[bytes.length - 20] ^= 0x10; // inside the last IDAT's data or CRC
    Files.write(flipped, f);
    e = assertThrows(NpyFormatException.class,
        () -> Png.read(flipped, NpyFrames.Scaling.AUTO, dest, 0));
    assertTrue(e.getMessage().startsWith(flipped + ": CRC-32 mismatch in PNG chunk 'IDAT'"),
        e.getMessage());

    Path text = dir.resolve("text.png");
    Files.writeString(text, "hello, not a picture at all, long enough to hold a header");
    e = assertThrows(NpyFormatException.class, () -> Png.readHeader(text));
    assertTrue(e.getMessage().startsWith(text + ": not a PNG: expected the 8-byte PNG "
        + "signature 89 50 4E 47 0D 0A 1A 0A, got 68 65 6C"), e.getMessage());

    Path empty = dir.resolve("empty.png");
    Files.write(empty, new byte[0]);
    e = assertThrows(NpyFormatException.class, () -> Png.readHeader(empty));
    assertTrue(e.getMessage().endsWith("got an empty file"), e.getMessage());

    BufferedImage indexed = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_INDEXED);
    Path palette = dir.resolve("palette.png");
    ImageIO.write(indexed, "png", palette.toFile());
    e = assertThrows(NpyFormatException.class, () -> Png.readHeader(palette));
    assertTrue(e.getMessage().contains("got a palette image (colour type 3)"), e.getMessage());

    BufferedImage binary = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_BINARY);
    Path oneBit = dir.resolve("binary.png");
    ImageIO.write(binary, "png", oneBit.toFile());
    e = assertThrows(NpyFormatException.class, () -> Png.readHeader(oneBit));
    assertTrue(e.getMessage().contains(oneBit.toString()), e.getMessage());

    // a file of another size than expected
    Path other = writeWithImageIo("other.png", samples(3, 255, 9), false);
    e = assertThrows(NpyFormatException.class, () -> Png.read(other,
        new Png.Header(W, H, 8, 0), NpyFrames.Scaling.AUTO, new float[3 * W * H], 0));
    assertEquals(other + ": expected a 23x17 8-bit grey PNG like the frames before it, got "
        + "23x17 8-bit RGB", e.getMessage());
  }

  @Test
  @DisplayName("more than 4 channels or another bit depth are refused")
  void writeRefusals() {
    FrameSequence five = FrameSequence.of(1, 1, 1, 5, new float[5]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Png.write(five, 0, 8, NpyFrames.Scaling.AUTO, dir.resolve("five.png")));
    assertTrue(e.getMessage().contains("1 to 4 channels"), e.getMessage());
    FrameSequence one = FrameSequence.of(1, 1, 1, 1, new float[1]);
    e = assertThrows(IllegalArgumentException.class,
        () -> Png.write(one, 0, 4, NpyFrames.Scaling.AUTO, dir.resolve("four.png")));
    assertTrue(e.getMessage().contains("got 4"), e.getMessage());
  }
}
