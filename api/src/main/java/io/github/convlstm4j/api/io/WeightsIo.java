package io.github.convlstm4j.api.io;

import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Saves and loads {@link ModelWeights} as an {@code .npz}: one float32 {@code .npy} per tensor,
 * in order, under its Keras name ({@code conv_lstm2d_0/kernel.npy}, ...). In Python:
 * {@code w = numpy.load(path); [w[k] for k in w.files]} gives the list
 * {@code model.set_weights} takes (same order as {@link ModelSpec#weightShapes()}).
 */
public final class WeightsIo {
  private WeightsIo() {}

  /**
   * Saves weights, atomically.
   *
   * @param weights the weights
   * @param path the {@code .npz} file to create or replace
   * @throws IOException on failure; an existing file is then unchanged
   */
  public static void save(ModelWeights weights, Path path) throws IOException {
    Objects.requireNonNull(weights, "weights");
    Npz.write(path, weights.asMap());
  }

  /**
   * Loads every array of an {@code .npz} as weights, in archive order; other entries are
   * ignored.
   *
   * @param path the {@code .npz} file
   * @return the weights
   * @throws IOException naming the file and entry if it cannot be read
   */
  public static ModelWeights load(Path path) throws IOException {
    return ModelWeights.of(Npz.readArrays(path));
  }

  /**
   * Loads weights and checks them against a spec, returning them in the spec's order.
   *
   * @param path the {@code .npz} file
   * @param spec the architecture the weights must fit
   * @return the weights in {@link ModelSpec#weightShapes()} order
   * @throws IOException naming the file and listing every missing, extra or mis-shaped tensor
   */
  public static ModelWeights load(Path path, ModelSpec spec) throws IOException {
    Objects.requireNonNull(spec, "spec");
    return inSpecOrder(load(path), spec, path.toString());
  }

  /**
   * Checks weights against a spec and reorders them like {@link ModelSpec#weightShapes()}.
   *
   * @param weights the weights
   * @param spec the spec
   * @param source names the origin in the error message
   * @return the reordered weights
   * @throws NpyFormatException listing every problem
   */
  static ModelWeights inSpecOrder(ModelWeights weights, ModelSpec spec, String source)
      throws NpyFormatException {
    try {
      weights.requireCompatible(spec);
    } catch (IllegalArgumentException e) {
      throw new NpyFormatException(source + ": " + e.getMessage(), e);
    }
    Map<String, Tensor> ordered = new LinkedHashMap<>();
    for (String name : spec.weightShapes().keySet()) {
      ordered.put(name, weights.get(name));
    }
    return ModelWeights.of(ordered);
  }
}
