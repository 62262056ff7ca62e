package io.github.convlstm4j.samples.images;

import java.util.Objects;

/**
 * How {@link FrameImages} draws one channel of a frame.
 *
 * @param channel the channel drawn, 0-based
 * @param colorMap value-to-colour map
 * @param scale integer upscale factor (nearest neighbour), 1 to {@value #MAX_SCALE}
 */
public record FrameStyle(int channel, ColorMap colorMap, int scale) {
  /** The largest upscale factor. */
  public static final int MAX_SCALE = 64;

  /** Channel 0, {@link ColorMap#GRAY}, scale 1. */
  public static final FrameStyle DEFAULT = new FrameStyle(0, ColorMap.GRAY, 1);

  /**
   * Validates the fields.
   *
   * @param channel see the record description
   * @param colorMap see the record description
   * @param scale see the record description
   * @throws IllegalArgumentException on a negative channel or a scale outside
   *     1..{@value #MAX_SCALE}
   */
  public FrameStyle {
    Objects.requireNonNull(colorMap, "colorMap");
    if (channel < 0) {
      throw new IllegalArgumentException("channel must be >= 0, got " + channel);
    }
    if (scale < 1 || scale > MAX_SCALE) {
      throw new IllegalArgumentException("scale must be in 1.." + MAX_SCALE + ", got " + scale);
    }
  }

  /**
   * This style with another channel.
   *
   * @param c the channel
   * @return a new style
   */
  public FrameStyle withChannel(int c) {
    return new FrameStyle(c, colorMap, scale);
  }

  /**
   * This style with another colour map.
   *
   * @param m the map
   * @return a new style
   */
  public FrameStyle withColorMap(ColorMap m) {
    return new FrameStyle(channel, m, scale);
  }

  /**
   * This style with another scale.
   *
   * @param s the upscale factor
   * @return a new style
   */
  public FrameStyle withScale(int s) {
    return new FrameStyle(channel, colorMap, s);
  }
}
