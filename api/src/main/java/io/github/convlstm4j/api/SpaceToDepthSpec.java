package io.github.convlstm4j.api;

import io.github.convlstm4j.spi.Capability;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * Space-to-depth patches: every {@code H × W × C} frame becomes an
 * {@code H/p × W/p × p²C} frame, each p×p patch folded into the channels. The channel order is
 * OpenSTL's and PredRNN's {@code reshape_patch} (OpenSTL {@code openstl/utils/predrnn_utils.py}:
 * reshape to {@code [B, T, H/p, p, W/p, p, C]}, {@code transpose(3, 4)}, reshape to
 * {@code [B, T, H/p, W/p, p·p·C]}): pixel {@code (Y·p + dy, X·p + dx)}, channel {@code c}
 * becomes pixel {@code (Y, X)}, channel {@code (dy·p + dx)·C + c}. {@link DepthToSpaceSpec} of
 * the same p is its exact inverse.
 *
 * <p>A permutation without weights, so it is trainable on every backend: the forecaster core
 * applies it to the input batch before the backend's ConvLSTM core sees it (and a trailing
 * {@link DepthToSpaceSpec} to the output, its inverse to the targets), so it may only be the
 * first layer of a model ({@link ModelSpec#coreSpec()}).
 *
 * @param patch p, at least 1
 */
public record SpaceToDepthSpec(int patch) implements LayerSpec {

  /** The kind, {@code space_to_depth}. */
  public static final String KIND = "space_to_depth";

  /**
   * Validates.
   *
   * @throws IllegalArgumentException if {@code patch} is not positive
   */
  public SpaceToDepthSpec {
    if (patch < 1) {
      throw new IllegalArgumentException("space_to_depth patch must be at least 1, got " + patch);
    }
  }

  @Override
  public boolean trainable() {
    return true;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String name(Position position) {
    return KIND + "_" + position.sameKindBefore();
  }

  @Override
  public int outputChannels(int inputChannels) {
    return Math.multiplyExact(patch * patch, inputChannels);
  }

  @Override
  public SequenceShape outputShape(SequenceShape input, Position position) {
    FrameShape f = input.frame();
    Patches.requireDivisible("layer " + position.index() + " (space_to_depth, patch " + patch
        + ")", f.height(), f.width(), patch);
    return new SequenceShape(input.frames(), new FrameShape(f.height() / patch,
        f.width() / patch, outputChannels(f.channels())));
  }

  /**
   * Applies the permutation to every frame of a sequence.
   *
   * @param input frames whose height and width are divisible by p
   * @return the patched frames, {@code H/p × W/p × p²C}
   * @throws IllegalArgumentException naming the height and width that p does not divide
   */
  public FrameSequence apply(FrameSequence input) {
    Objects.requireNonNull(input, "input");
    FrameShape f = input.frameShape();
    Patches.requireDivisible("space_to_depth (patch " + patch + ")", f.height(), f.width(),
        patch);
    float[] out = new float[input.size()];
    Patches.permute(true, input.toArray(), out, input.frames(), f.height(), f.width(),
        f.channels(), patch);
    return FrameSequence.of(input.frames(), f.height() / patch, f.width() / patch,
        outputChannels(f.channels()), out);
  }

  /**
   * Applies the permutation to {@code frames} frames packed one after the other, channels-last.
   *
   * @param source at least {@code frames · frame.size()} floats of spatial frames
   * @param destination at least as many floats, receives the patched frames
   * @param frames number of frames
   * @param frame the spatial frame shape, height and width divisible by p
   * @throws IllegalArgumentException naming the height and width that p does not divide, or an
   *     array that is too short
   */
  public void apply(float[] source, float[] destination, int frames, FrameShape frame) {
    Patches.requireDivisible("space_to_depth (patch " + patch + ")", frame.height(),
        frame.width(), patch);
    Patches.requireLength(source, destination, frames, frame);
    Patches.permute(true, source, destination, frames, frame.height(), frame.width(),
        frame.channels(), patch);
  }

  @Override
  public Map<String, List<Integer>> weightShapes(String name, int inputChannels) {
    return Map.of();
  }

  /** None: the forecaster core applies it for every backend. */
  @Override
  public Set<Capability> requiredCapabilities() {
    return Set.of();
  }

  @Override
  public void writeProperties(Properties p, String prefix) {
    p.setProperty(prefix + "patch", Integer.toString(patch));
  }

  static SpaceToDepthSpec readProperties(Properties p, String prefix) {
    return new SpaceToDepthSpec(SpecProperties.integer(p, prefix + "patch"));
  }
}
