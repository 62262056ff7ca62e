package io.github.convlstm4j.samples.images;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.io.PendingFile;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Pictures of frames: single frames as images, labelled side-by-side comparisons, PNG files and
 * looping animated GIFs. Everything is drawn into {@link BufferedImage}s, which needs no display
 * and no global setting ({@code java.awt.headless} is not required either way).
 *
 * <p>Values are clipped to {@code [0, 1]} and quantized as {@link ColorMap#level}: {@code
 * round(v * 255)}, halves up, so 0.5 becomes 128. {@link ColorMap#GRAY} frames are
 * {@link BufferedImage#TYPE_BYTE_GRAY} images and are saved as 8-bit grayscale PNGs; read their
 * levels back with {@code image.getRaster().getSample(x, y, 0)} ({@code getRGB} applies a
 * colour-space conversion to grey images). Other maps give {@link BufferedImage#TYPE_INT_RGB}.
 *
 * <p>Files are written atomically ({@link PendingFile#write}, fsynced): the image is encoded in memory, then
 * written to a temporary file in the same folder (created if missing) and moved over the
 * target.
 */
public final class FrameImages {
  /** Space in pixels around and between panels and text lines of {@link #row}. */
  public static final int PAD = 8;

  private static final Color BACKGROUND = Color.WHITE;
  private static final Color TEXT = Color.BLACK;
  private static final int FONT_SIZE = 13;

  private FrameImages() {}

  /**
   * Draws one frame in grey, channel 0, one pixel per value.
   *
   * @param sequence the frames
   * @param frame frame index
   * @return a {@code width × height} grey image
   */
  public static BufferedImage render(FrameSequence sequence, int frame) {
    return render(sequence, frame, FrameStyle.DEFAULT);
  }

  /**
   * Draws one channel of one frame.
   *
   * @param sequence the frames
   * @param frame frame index
   * @param style channel, colour map and upscale factor
   * @return a {@code (width * scale) × (height * scale)} image
   * @throws IndexOutOfBoundsException naming the frame or channel if out of range
   */
  public static BufferedImage render(FrameSequence sequence, int frame, FrameStyle style) {
    Objects.requireNonNull(sequence, "sequence");
    Objects.requireNonNull(style, "style");
    if (frame < 0 || frame >= sequence.frames()) {
      throw new IndexOutOfBoundsException(
          "frame must be in [0, " + sequence.frames() + "), got " + frame);
    }
    if (style.channel() >= sequence.channels()) {
      throw new IndexOutOfBoundsException("channel must be in [0, " + sequence.channels()
          + "), got " + style.channel());
    }
    int h = sequence.height();
    int w = sequence.width();
    int c = sequence.channels();
    int s = style.scale();
    FrameSequence one = sequence.frame(frame);
    float[] v = one.toArray();
    boolean gray = style.colorMap() == ColorMap.GRAY;
    BufferedImage img = new BufferedImage(w * s, h * s,
        gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
    WritableRaster raster = img.getRaster();
    for (int r = 0; r < h; r++) {
      for (int col = 0; col < w; col++) {
        int level = ColorMap.level(v[(r * w + col) * c + style.channel()]);
        int rgb = style.colorMap().rgbOfLevel(level);
        for (int dy = 0; dy < s; dy++) {
          for (int dx = 0; dx < s; dx++) {
            if (gray) {
              raster.setSample(col * s + dx, r * s + dy, 0, level);
            } else {
              img.setRGB(col * s + dx, r * s + dy, rgb);
            }
          }
        }
      }
    }
    return img;
  }

  /**
   * Two images next to each other on a white background, each under a text label, with an
   * optional title line on top; for example "Predictions" and "Ground truth" under the title
   * "frame 7".
   *
   * @param left left image
   * @param leftLabel text above the left image
   * @param right right image
   * @param rightLabel text above the right image
   * @param title line above both labels, or {@code null} for none
   * @return an RGB image {@code 3 * PAD + left.width + right.width} wide
   */
  public static BufferedImage sideBySide(BufferedImage left, String leftLabel,
      BufferedImage right, String rightLabel, String title) {
    return row(List.of(left, right), List.of(leftLabel, rightLabel), title);
  }

  /**
   * Images in a row on a white background, each under a text label, with an optional title
   * line on top. Image {@code i} starts at {@code x = PAD + sum over j < i of (width_j + PAD)}
   * and all images start at the same {@code y}, below the title and label lines; the result is
   * {@code PAD + sum(width_i + PAD)} wide.
   *
   * @param images at least one image
   * @param labels one label per image (may be empty strings)
   * @param title line above the labels, or {@code null} for none
   * @return an RGB image
   * @throws IllegalArgumentException if the counts differ or no image is given
   */
  public static BufferedImage row(List<BufferedImage> images, List<String> labels,
      String title) {
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(labels, "labels");
    if (images.isEmpty()) {
      throw new IllegalArgumentException("row needs at least one image, got 0");
    }
    if (labels.size() != images.size()) {
      throw new IllegalArgumentException(
          "labels must have one entry per image (" + images.size() + "), got " + labels.size());
    }
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, FONT_SIZE);
    // Measure text on a scratch image; works without a display.
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D sg = scratch.createGraphics();
    FontMetrics fm = sg.getFontMetrics(font);
    sg.dispose();
    int lineHeight = fm.getHeight();
    int width = PAD;
    int maxHeight = 0;
    for (int i = 0; i < images.size(); i++) {
      BufferedImage img = Objects.requireNonNull(images.get(i), "images[" + i + "]");
      String label = Objects.requireNonNull(labels.get(i), "labels[" + i + "]");
      width += Math.max(img.getWidth(), fm.stringWidth(label)) + PAD;
      maxHeight = Math.max(maxHeight, img.getHeight());
    }
    if (title != null) {
      width = Math.max(width, 2 * PAD + fm.stringWidth(title));
    }
    int titleHeight = title == null ? 0 : lineHeight + PAD / 2;
    int top = PAD + titleHeight + lineHeight + PAD / 2;
    BufferedImage out = new BufferedImage(width, top + maxHeight + PAD,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(BACKGROUND);
      g.fillRect(0, 0, out.getWidth(), out.getHeight());
      g.setColor(TEXT);
      g.setFont(font);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      if (title != null) {
        g.drawString(title, PAD, PAD + fm.getAscent());
      }
      int x = PAD;
      for (int i = 0; i < images.size(); i++) {
        BufferedImage img = images.get(i);
        g.drawString(labels.get(i), x, PAD + titleHeight + fm.getAscent());
        copyPixels(img, out, x, top);
        x += Math.max(img.getWidth(), fm.stringWidth(labels.get(i))) + PAD;
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  /**
   * Side-by-side images of two sequences, one per frame, titled {@code frame k/T} (1-based),
   * ready for {@link #writeGif}.
   *
   * @param left for example the predictions
   * @param leftLabel for example {@code "Predictions"}
   * @param right for example the ground truth, same frame count as {@code left}
   * @param rightLabel for example {@code "Ground truth"}
   * @param style how frames are drawn
   * @return one image per frame
   * @throws IllegalArgumentException if the frame counts differ
   */
  public static List<BufferedImage> comparison(FrameSequence left, String leftLabel,
      FrameSequence right, String rightLabel, FrameStyle style) {
    Objects.requireNonNull(left, "left");
    Objects.requireNonNull(right, "right");
    if (left.frames() != right.frames()) {
      throw new IllegalArgumentException("right must have " + left.frames()
          + " frames like left, got " + right.frames());
    }
    List<BufferedImage> out = new ArrayList<>();
    for (int t = 0; t < left.frames(); t++) {
      out.add(sideBySide(render(left, t, style), leftLabel, render(right, t, style), rightLabel,
          "frame " + (t + 1) + "/" + left.frames()));
    }
    return out;
  }

  /**
   * Writes an image as PNG, atomically.
   *
   * @param image the image
   * @param path the file to create or replace
   * @throws IOException on failure; an existing file is then unchanged
   */
  public static void writePng(BufferedImage image, Path path) throws IOException {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(path, "path");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageWriter w = writer("png");
    try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      w.setOutput(ios);
      w.write(image);
    } finally {
      w.dispose();
    }
    byte[] bytes = out.toByteArray();
    PendingFile.write(path, o -> o.write(bytes));
  }

  /**
   * Writes one frame as PNG, atomically.
   *
   * @param sequence the frames
   * @param frame frame index
   * @param style channel, colour map and upscale factor
   * @param path the file to create or replace
   * @throws IOException on failure; an existing file is then unchanged
   */
  public static void writePng(FrameSequence sequence, int frame, FrameStyle style, Path path)
      throws IOException {
    writePng(render(sequence, frame, style), path);
  }

  /**
   * Writes images as an animated GIF that loops forever (NETSCAPE2.0 application extension,
   * loop count 0), atomically. Colour images are reduced to a 256-colour palette by the JDK
   * GIF writer.
   *
   * @param frames at least one image, all the same size
   * @param delayMillis time each image is shown, rounded to GIF's 10 ms units, at least 10
   * @param path the file to create or replace
   * @throws IllegalArgumentException on an empty list, differing sizes or a delay below 10 ms
   * @throws IOException on failure; an existing file is then unchanged
   */
  public static void writeGif(List<BufferedImage> frames, int delayMillis, Path path)
      throws IOException {
    Objects.requireNonNull(frames, "frames");
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("a GIF needs at least one frame, got 0");
    }
    if (delayMillis < 10) {
      throw new IllegalArgumentException("delayMillis must be >= 10, got " + delayMillis);
    }
    BufferedImage first = Objects.requireNonNull(frames.get(0), "frames[0]");
    for (int i = 1; i < frames.size(); i++) {
      BufferedImage f = Objects.requireNonNull(frames.get(i), "frames[" + i + "]");
      if (f.getWidth() != first.getWidth() || f.getHeight() != first.getHeight()) {
        throw new IllegalArgumentException("frames[" + i + "] must be " + first.getWidth() + "x"
            + first.getHeight() + " like frames[0], got " + f.getWidth() + "x" + f.getHeight());
      }
    }
    int centis = Math.max(1, Math.round(delayMillis / 10f));
    Objects.requireNonNull(path, "path");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeGif(frames, centis, out);
    byte[] bytes = out.toByteArray();
    PendingFile.write(path, o -> o.write(bytes));
  }

  private static void writeGif(List<BufferedImage> frames, int centis, OutputStream out)
      throws IOException {
    ImageWriter w = writer("gif");
    try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      w.setOutput(ios);
      ImageWriteParam param = w.getDefaultWriteParam();
      w.prepareWriteSequence(null);
      for (int i = 0; i < frames.size(); i++) {
        BufferedImage img = toRgb(frames.get(i));
        IIOMetadata md = w.getDefaultImageMetadata(
            ImageTypeSpecifier.createFromRenderedImage(img), param);
        String format = md.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) md.getAsTree(format);
        IIOMetadataNode gce = child(root, "GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", Integer.toString(centis));
        gce.setAttribute("transparentColorIndex", "0");
        if (i == 0) {
          IIOMetadataNode apps = child(root, "ApplicationExtensions");
          IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
          app.setAttribute("applicationID", "NETSCAPE");
          app.setAttribute("authenticationCode", "2.0");
          // Sub-block 1, loop count 0 (little endian) = loop forever.
          app.setUserObject(new byte[] {0x1, 0x0, 0x0});
          apps.appendChild(app);
        }
        md.setFromTree(format, root);
        w.writeToSequence(new IIOImage(img, null, md), param);
      }
      w.endWriteSequence();
    } finally {
      w.dispose();
    }
  }

  /** Grey images go through RGB so the GIF palette holds exact grey levels. */
  private static BufferedImage toRgb(BufferedImage img) {
    if (img.getType() == BufferedImage.TYPE_INT_RGB) {
      return img;
    }
    BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(),
        BufferedImage.TYPE_INT_RGB);
    copyPixels(img, rgb, 0, 0);
    return rgb;
  }

  /**
   * Copies pixels without colour management: grey levels become {@code (L, L, L)} exactly
   * (Java2D's {@code drawImage} and {@code getRGB} would convert linear grey to sRGB).
   */
  private static void copyPixels(BufferedImage src, BufferedImage dst, int x0, int y0) {
    boolean gray = src.getType() == BufferedImage.TYPE_BYTE_GRAY;
    for (int y = 0; y < src.getHeight(); y++) {
      for (int x = 0; x < src.getWidth(); x++) {
        int rgb;
        if (gray) {
          int l = src.getRaster().getSample(x, y, 0);
          rgb = l << 16 | l << 8 | l;
        } else {
          rgb = src.getRGB(x, y) & 0xFFFFFF;
        }
        dst.setRGB(x0 + x, y0 + y, rgb);
      }
    }
  }

  private static IIOMetadataNode child(IIOMetadataNode root, String name) {
    for (int i = 0; i < root.getLength(); i++) {
      if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
        return (IIOMetadataNode) root.item(i);
      }
    }
    IIOMetadataNode node = new IIOMetadataNode(name);
    root.appendChild(node);
    return node;
  }

  private static ImageWriter writer(String format) throws IOException {
    Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName(format);
    if (!it.hasNext()) {
      throw new IOException("no javax.imageio writer for " + format + " in this JDK");
    }
    return it.next();
  }
}
