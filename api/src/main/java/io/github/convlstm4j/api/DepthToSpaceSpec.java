package io.github.convlstm4j.api;

import io.github.convlstm4j.spi.Capability;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * Depth-to-space: the exact inverse of {@link SpaceToDepthSpec} of the same p (OpenSTL's and
 * PredRNN's {@code reshape_patch_back}). Every {@code h × w × p²C} frame becomes an
 * {@code h·p × w·p × C} frame: channel {@code (dy·p + dx)·C + c} of pixel {@code (Y, X)} goes
 * to pixel {@code (Y·p + dy, X·p + dx)}, channel {@code c}.
 *
 * <p>A permutation without weights, trainable on every backend: the forecaster core applies it
 * to the backend's output and its inverse to the targets (the losses are means over elements,
 * which a permutation does not change), so it may only be the last layer of a model
 * ({@link ModelSpec#coreSpec()}).
 *
 * @param patch p, at least 1
 */
public record DepthToSpaceSpec(int patch) implements LayerSpec {

  /** The kind, {@code depth_to_space}. */
  public static final String KIND = "depth_to_space";

  /**
   * Validates.
   *
   * @throws IllegalArgumentException if {@code patch} is not positive
   */
  public DepthToSpaceSpec {
    if (patch < 1) {
      throw new IllegalArgumentException("depth_to_space patch must be at least 1, got " + patch);
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

  /**
   * {@code inputChannels / p²}.
   *
   * @throws IllegalArgumentException if p² does not divide {@code inputChannels}
   */
  @Override
  public int outputChannels(int inputChannels) {
    if (inputChannels % (patch * patch) != 0) {
      throw new IllegalArgumentException("depth_to_space (patch " + patch + ") needs channels "
          + "divisible by " + patch * patch + ", got " + inputChannels);
    }
    return inputChannels / (patch * patch);
  }

  @Override
  public SequenceShape outputShape(SequenceShape input, Position position) {
    FrameShape f = input.frame();
    int c;
    try {
      c = outputChannels(f.channels());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("layer " + position.index() + " " + e.getMessage(), e);
    }
    return new SequenceShape(input.frames(),
        new FrameShape(f.height() * patch, f.width() * patch, c));
  }

  /**
   * Applies the permutation to every frame of a sequence.
   *
   * @param input frames whose channels are divisible by p²
   * @return the spatial frames, {@code h·p × w·p × C}
   * @throws IllegalArgumentException naming the channels that p² does not divide
   */
  public FrameSequence apply(FrameSequence input) {
    Objects.requireNonNull(input, "input");
    FrameShape spatial = spatialFrame(input.frameShape());
    float[] out = new float[input.size()];
    Patches.permute(false, input.toArray(), out, input.frames(), spatial.height(),
        spatial.width(), spatial.channels(), patch);
    return FrameSequence.of(input.frames(), spatial, out);
  }

  /**
   * Applies the permutation to {@code frames} frames packed one after the other, channels-last.
   *
   * @param source at least {@code frames · frame.size()} floats of patched frames
   * @param destination at least as many floats, receives the spatial frames
   * @param frames number of frames
   * @param frame the patched frame shape, channels divisible by p²
   * @throws IllegalArgumentException naming the channels that p² does not divide, or an array
   *     that is too short
   */
  public void apply(float[] source, float[] destination, int frames, FrameShape frame) {
    FrameShape spatial = spatialFrame(frame);
    Patches.requireLength(source, destination, frames, frame);
    Patches.permute(false, source, destination, frames, spatial.height(), spatial.width(),
        spatial.channels(), patch);
  }

  private FrameShape spatialFrame(FrameShape patched) {
    return new FrameShape(patched.height() * patch, patched.width() * patch,
        outputChannels(patched.channels()));
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

  static DepthToSpaceSpec readProperties(Properties p, String prefix) {
    return new DepthToSpaceSpec(SpecProperties.integer(p, prefix + "patch"));
  }
}
