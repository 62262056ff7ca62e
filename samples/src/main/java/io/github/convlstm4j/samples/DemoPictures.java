package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.samples.images.FrameImages;
import io.github.convlstm4j.samples.images.FrameStyle;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed's pictures: per frame t, left the track (context frame t while t is in the context,
 * labelled "Initial trajectory", then rollout frame t - context, labelled "Predictions"),
 * right the ground truth (the movie's input frame t, as the seed shows it).
 */
final class DemoPictures {

  /** GIF frame delay. */
  static final int GIF_DELAY_MILLIS = 300;

  private DemoPictures() {}

  /**
   * One comparison image for frame t.
   *
   * @param context the frames fed
   * @param rollout the forecast frames that followed
   * @param truth the movie (may be shorter than context + rollout)
   * @param t 0-based frame index
   * @param style how frames are drawn
   */
  static BufferedImage comparison(FrameSequence context, FrameSequence rollout,
      FrameSequence truth, int t, FrameStyle style) {
    boolean seen = t < context.frames();
    BufferedImage left = seen ? FrameImages.render(context, t, style)
        : FrameImages.render(rollout, t - context.frames(), style);
    BufferedImage right;
    String rightLabel;
    if (t < truth.frames()) {
      right = FrameImages.render(truth, t, style);
      rightLabel = "Ground truth";
    } else {
      right = blank(left.getWidth(), left.getHeight());
      rightLabel = "Ground truth: none";
    }
    return FrameImages.sideBySide(left, seen ? "Initial trajectory" : "Predictions", right,
        rightLabel, "frame " + (t + 1) + (seen ? " (fed to the model)"
            : " (forecast step " + (t - context.frames() + 1) + ")"));
  }

  /**
   * Writes {@code 1_animate.png … <images>_animate.png} and {@code rollout.gif} (every frame of
   * context and rollout).
   *
   * @return the files written
   */
  static List<Path> write(Path out, FrameSequence context, FrameSequence rollout,
      FrameSequence truth, int images, FrameStyle style) throws IOException {
    List<Path> written = new ArrayList<>();
    List<BufferedImage> all = new ArrayList<>();
    int total = context.frames() + rollout.frames();
    for (int t = 0; t < total; t++) {
      all.add(comparison(context, rollout, truth, t, style));
    }
    all = sameSize(all);
    for (int t = 0; t < Math.min(images, total); t++) {
      Path p = out.resolve((t + 1) + "_animate.png");
      FrameImages.writePng(all.get(t), p);
      written.add(p);
    }
    Path gif = out.resolve("rollout.gif");
    FrameImages.writeGif(all, GIF_DELAY_MILLIS, gif);
    written.add(gif);
    return written;
  }

  /**
   * Pads images on white to the largest width and height among them (labels of different
   * lengths make different widths; GIF frames and a series of PNGs should not jump).
   */
  static List<BufferedImage> sameSize(List<BufferedImage> images) {
    int w = 0;
    int h = 0;
    for (BufferedImage i : images) {
      w = Math.max(w, i.getWidth());
      h = Math.max(h, i.getHeight());
    }
    List<BufferedImage> out = new ArrayList<>(images.size());
    for (BufferedImage i : images) {
      if (i.getWidth() == w && i.getHeight() == h) {
        out.add(i);
        continue;
      }
      BufferedImage p = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = p.createGraphics();
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      g.drawImage(i, 0, 0, null);
      g.dispose();
      out.add(p);
    }
    return out;
  }

  private static BufferedImage blank(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(235, 235, 235));
    g.fillRect(0, 0, w, h);
    g.dispose();
    return img;
  }
}
