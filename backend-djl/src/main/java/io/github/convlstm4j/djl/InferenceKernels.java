package io.github.convlstm4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Inference kernels prepared from a forecaster's parameters (per ConvLSTM layer: the
 * hard-sigmoid fold of the kernels and bias, the joined kernel of the concatenated form), kept
 * across calls so that a streaming push of one frame does not prepare them again. Every kept
 * array belongs to one manager of this store: {@link #clear()} closes it (the owner calls it
 * whenever a parameter changes) and closing the forecaster's manager closes it too.
 *
 * <p>Keyed by the identity of the layer's raw kernel array. One caller at a time (the
 * forecaster core guarantees it).
 */
final class InferenceKernels {

  private final NDManager parent;
  private NDManager kept;
  private final Map<NDArray, NDArray[]> byKernel = new IdentityHashMap<>();

  /**
   * An empty store.
   *
   * @param parent the forecaster's manager; the store's arrays live in a sub-manager of it
   */
  InferenceKernels(NDManager parent) {
    this.parent = parent;
  }

  /**
   * The prepared kernels of the layer whose raw kernel is {@code kernel}.
   *
   * @param kernel the raw kernel parameter
   * @return folded kernel, recurrent kernel and bias (null when not folded) and the joined
   *     kernel (null when not used), or null when nothing is kept for it
   */
  NDArray[] get(NDArray kernel) {
    return byKernel.get(kernel);
  }

  /**
   * Keeps prepared kernels; takes over every array in {@code made}.
   *
   * @param kernel the raw kernel parameter (the key)
   * @param made every array made while preparing (moved into this store's manager)
   * @param prepared what {@link #get} returns
   */
  void put(NDArray kernel, NDList made, NDArray[] prepared) {
    if (kept == null) {
      kept = parent.newSubManager();
    }
    for (NDArray a : made) {
      a.attach(kept);
    }
    byKernel.put(kernel, prepared);
  }

  /**
   * Arrays kept now, for tests.
   *
   * @return the number of arrays in this store's manager
   */
  int keptArrays() {
    return kept == null ? 0 : kept.getManagedArrays().size();
  }

  /** Forgets and closes every kept array: the parameters changed. */
  void clear() {
    byKernel.clear();
    if (kept != null) {
      kept.close();
      kept = null;
    }
  }
}
