package io.github.convlstm4j.samples.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.FrameSequence;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Node;

class FrameImagesTest {
  @TempDir Path dir;

  /** One 2×3 frame, one channel: values chosen to test rounding and clipping. */
  static FrameSequence known() {
    return FrameSequence.of(1, 2, 3, 1, new float[] {0f, 0.5f, 1f, 0.25f, -1f, 2f});
  }

  // round(v * 255), halves up: 0 -> 0, 0.5 -> 127.5 -> 128, 1 -> 255, 0.25 -> 63.75 -> 64,
  // -1 clipped to 0, 2 clipped to 255.
  static final int[] KNOWN_LEVELS = {0, 128, 255, 64, 0, 255};

  static int[] levels(BufferedImage img) {
    int[] out = new int[img.getWidth() * img.getHeight()];
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        out[y * img.getWidth() + x] = img.getRaster().getSample(x, y, 0);
      }
    }
    return out;
  }

  @Test
  void rendersGrayLevelsWithDocumentedRounding() {
    BufferedImage img = FrameImages.render(known(), 0);
    assertEquals(BufferedImage.TYPE_BYTE_GRAY, img.getType());
    assertEquals(3, img.getWidth());
    assertEquals(2, img.getHeight());
    assertArrayEquals(KNOWN_LEVELS, levels(img));
  }

  @Test
  void upscalesByNearestNeighbour() {
    BufferedImage img = FrameImages.render(known(), 0, FrameStyle.DEFAULT.withScale(4));
    assertEquals(12, img.getWidth());
    assertEquals(8, img.getHeight());
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 12; x++) {
        assertEquals(KNOWN_LEVELS[(y / 4) * 3 + x / 4], img.getRaster().getSample(x, y, 0),
            "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void drawsTheChosenChannel() {
    FrameSequence two = FrameSequence.of(2, 1, 1, 2, new float[] {0.1f, 0.9f, 0.2f, 0.8f});
    BufferedImage img = FrameImages.render(two, 1, FrameStyle.DEFAULT.withChannel(1));
    assertEquals(204, img.getRaster().getSample(0, 0, 0)); // 0.8 * 255 = 204
    assertThrows(IndexOutOfBoundsException.class,
        () -> FrameImages.render(two, 0, FrameStyle.DEFAULT.withChannel(2)));
    assertThrows(IndexOutOfBoundsException.class, () -> FrameImages.render(two, 2));
  }

  @Test
  void viridisEndsAndMiddleAreMatplotlibs() {
    // Published viridis hex stops: #440154 (0.0), #21918c (0.5, entry 128), #fde725 (1.0).
    assertEquals(0x440154, ColorMap.VIRIDIS.rgb(0f));
    assertEquals(0x21918c, ColorMap.VIRIDIS.rgb(0.5f));
    assertEquals(0xfde725, ColorMap.VIRIDIS.rgb(1f));
    assertEquals(0x808080, ColorMap.GRAY.rgb(0.5f));
    BufferedImage img = FrameImages.render(known(), 0,
        FrameStyle.DEFAULT.withColorMap(ColorMap.VIRIDIS));
    assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
    assertEquals(0x21918c, img.getRGB(1, 0) & 0xFFFFFF);
    assertEquals(0xfde725, img.getRGB(2, 1) & 0xFFFFFF);
  }

  @Test
  void viridisIsMonotoneInLightness() {
    // A perceptual map gets brighter along the way: Rec. 709 luma of the 8-bit entries never
    // drops by more than 8-bit rounding can explain.
    double prev = -1;
    for (int l = 0; l < 256; l++) {
      int rgb = ColorMap.VIRIDIS.rgbOfLevel(l);
      double luma = 0.2126 * (rgb >> 16) + 0.7152 * (rgb >> 8 & 0xFF) + 0.0722 * (rgb & 0xFF);
      assertTrue(luma > prev - 1.0, "level " + l);
      prev = luma;
    }
  }

  @Test
  void pngRoundTripKeepsGrayLevels() throws Exception {
    Path p = dir.resolve("f.png");
    FrameImages.writePng(known(), 0, FrameStyle.DEFAULT, p);
    BufferedImage back = ImageIO.read(p.toFile());
    assertNotNull(back);
    assertEquals(BufferedImage.TYPE_BYTE_GRAY, back.getType());
    assertArrayEquals(KNOWN_LEVELS, levels(back));
  }

  @Test
  void pngRoundTripKeepsViridisColours() throws Exception {
    Path p = dir.resolve("v.png");
    FrameImages.writePng(known(), 0, new FrameStyle(0, ColorMap.VIRIDIS, 2), p);
    BufferedImage back = ImageIO.read(p.toFile());
    assertEquals(6, back.getWidth());
    assertEquals(0x440154, back.getRGB(0, 0) & 0xFFFFFF);
    assertEquals(0x21918c, back.getRGB(2, 1) & 0xFFFFFF);
  }

  @Test
  void sideBySidePlacesBothFramesUnderTheirLabels() {
    float[] a = new float[24 * 32];
    float[] b = new float[24 * 32];
    for (int i = 0; i < a.length; i++) {
      a[i] = (i % 32) / 31f;
      b[i] = 1f - (i / 32) / 23f;
    }
    FrameStyle style = FrameStyle.DEFAULT.withScale(4);
    BufferedImage left = FrameImages.render(FrameSequence.of(1, 24, 32, 1, a), 0, style);
    BufferedImage right = FrameImages.render(FrameSequence.of(1, 24, 32, 1, b), 0, style);
    BufferedImage img = FrameImages.sideBySide(left, "Predictions", right, "Ground truth",
        "frame 7");
    int pad = FrameImages.PAD;
    assertEquals(3 * pad + 128 + 128, img.getWidth());
    assertTrue(img.getHeight() > 96 + 2 * 10, "room for two text lines: " + img.getHeight());
    int yLeft = findRow(img, left, pad);
    int yRight = findRow(img, right, 2 * pad + 128);
    assertEquals(yLeft, yRight);
    assertTrue(pad + 128 <= img.getWidth() / 2, "left frame in the left half");
    assertTrue(2 * pad + 128 >= img.getWidth() / 2 - pad, "right frame in the right half");
    assertTrue(hasDarkPixel(img, 0, yLeft), "labels drawn above the frames");
    assertTrue(hasDarkPixel(img, 2 * pad + 128, yLeft), "right label drawn");
  }

  @Test
  void rowRejectsMismatchedLabels() {
    BufferedImage img = FrameImages.render(known(), 0);
    assertThrows(IllegalArgumentException.class,
        () -> FrameImages.row(List.of(img, img), List.of("a"), null));
    assertThrows(IllegalArgumentException.class,
        () -> FrameImages.row(List.of(), List.of(), null));
  }

  @Test
  void gifHasAllFramesDelayAndLoopsForever() throws Exception {
    List<BufferedImage> frames = new ArrayList<>();
    for (int t = 0; t < 5; t++) {
      float[] v = new float[16 * 16];
      v[t * 16 + t] = 1f;
      frames.add(FrameImages.render(FrameSequence.of(1, 16, 16, 1, v), 0));
    }
    Path p = dir.resolve("a.gif");
    FrameImages.writeGif(frames, 200, p);
    try (ImageInputStream in = ImageIO.createImageInputStream(p.toFile())) {
      ImageReader r = ImageIO.getImageReaders(in).next();
      r.setInput(in);
      assertEquals(5, r.getNumImages(true));
      IIOMetadataNode root = (IIOMetadataNode) r.getImageMetadata(0)
          .getAsTree("javax_imageio_gif_image_1.0");
      Node gce = root.getElementsByTagName("GraphicControlExtension").item(0);
      assertEquals("20", gce.getAttributes().getNamedItem("delayTime").getNodeValue());
      IIOMetadataNode app =
          (IIOMetadataNode) root.getElementsByTagName("ApplicationExtension").item(0);
      assertEquals("NETSCAPE", app.getAttribute("applicationID"));
      assertEquals("2.0", app.getAttribute("authenticationCode"));
      assertArrayEquals(new byte[] {1, 0, 0}, (byte[]) app.getUserObject());
      BufferedImage third = r.read(2);
      assertEquals(0xFFFFFF, third.getRGB(2, 2) & 0xFFFFFF);
      assertEquals(0, third.getRGB(3, 3) & 0xFFFFFF);
      r.dispose();
    }
  }

  @Test
  void comparisonMakesOneTitledImagePerFrame() throws Exception {
    FrameSequence s = FrameSequence.zeros(3, new io.github.convlstm4j.api.FrameShape(8, 8, 1));
    List<BufferedImage> imgs = FrameImages.comparison(s, "Predictions", s, "Ground truth",
        FrameStyle.DEFAULT.withScale(2));
    assertEquals(3, imgs.size());
    Path p = dir.resolve("c.gif");
    FrameImages.writeGif(imgs, 100, p);
    assertTrue(Files.size(p) > 0);
    FrameSequence shorter = FrameSequence.zeros(2, s.frameShape());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FrameImages.comparison(s, "a", shorter, "b", FrameStyle.DEFAULT));
    assertTrue(e.getMessage().contains("3 frames like left, got 2"), e.getMessage());
  }

  @Test
  void gifRejectsBadInput() {
    BufferedImage a = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    BufferedImage b = new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB);
    Path p = dir.resolve("x.gif");
    assertThrows(IllegalArgumentException.class, () -> FrameImages.writeGif(List.of(), 100, p));
    assertThrows(IllegalArgumentException.class, () -> FrameImages.writeGif(List.of(a), 5, p));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FrameImages.writeGif(List.of(a, b), 100, p));
    assertTrue(e.getMessage().contains("frames[1] must be 4x4 like frames[0], got 5x4"),
        e.getMessage());
  }

  @Test
  void failedImageWriteKeepsTheOldFileAndLeavesNoTemporary() throws Exception {
    Path p = dir.resolve("keep.png");
    FrameImages.writePng(FrameImages.render(known(), 0), p);
    byte[] before = Files.readAllBytes(p);
    assertThrows(IllegalArgumentException.class,
        () -> FrameImages.writeGif(List.of(new BufferedImage(2, 2, 1),
            new BufferedImage(3, 3, 1)), 100, p));
    Path sub = Files.createDirectory(dir.resolve("dir.png"));
    assertThrows(IOException.class, () -> FrameImages.writePng(FrameImages.render(known(), 0),
        sub));
    assertArrayEquals(before, Files.readAllBytes(p));
    try (var s = Files.list(dir)) {
      assertEquals(2, s.count());
    }
  }

  @Test
  void refusesAMissingFolderNamingIt() {
    // Like every writer of the project (api.io.PendingFile): no folder is created behind the
    // caller's back; the error names the folder.
    Path p = dir.resolve("new/sub/frame.png");
    IOException e = assertThrows(IOException.class,
        () -> FrameImages.writePng(FrameImages.render(known(), 0), p));
    assertTrue(e.getMessage().contains(p.getParent().toString()), e.getMessage());
    assertFalse(Files.exists(dir.resolve("new")));
  }

  /** The y at which {@code frame} appears in {@code img} at column {@code x}. */
  private static int findRow(BufferedImage img, BufferedImage frame, int x) {
    for (int y = 0; y + frame.getHeight() <= img.getHeight(); y++) {
      if (matches(img, frame, x, y)) {
        return y;
      }
    }
    throw new AssertionError("frame not found at x=" + x);
  }

  private static boolean matches(BufferedImage img, BufferedImage frame, int x0, int y0) {
    for (int y = 0; y < frame.getHeight(); y++) {
      for (int x = 0; x < frame.getWidth(); x++) {
        int l = frame.getRaster().getSample(x, y, 0);
        if ((img.getRGB(x0 + x, y0 + y) & 0xFFFFFF) != (l << 16 | l << 8 | l)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean hasDarkPixel(BufferedImage img, int x0, int yMax) {
    for (int y = 0; y < yMax; y++) {
      for (int x = x0; x < x0 + 128; x++) {
        if ((img.getRGB(x, y) & 0xFF) < 100) {
          return true;
        }
      }
    }
    return false;
  }
}
