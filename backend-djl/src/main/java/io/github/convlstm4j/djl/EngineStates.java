package io.github.convlstm4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.convlstm4j.spi.EngineTensor;
import io.github.convlstm4j.spi.LayerState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The streaming state of one forecaster on the engine's side. What {@code forward} returns is
 * held in the graph's layouts ({@code [N, F, H, W]}; head features {@code [N, w, F, H, W]}): a
 * heap copy, and the engine array itself for the last {@value #KEPT_CALLS} calls. When the core
 * passes such a state back (the next push of a session, a fork), the engine array is used as
 * it is: no upload, no permute; after it was let go, the heap copy is uploaded without a
 * permute. Keras layouts are computed only when someone reads the tensors (an export). A state
 * of other origin (imported, another forecaster's) is converted as before.
 *
 * <p>Engine arrays are never changed once handed out (the graph reads initial states only), so
 * a state used twice (two forks) gives the same result both times.
 */
final class EngineStates {

  /** Calls whose returned engine arrays stay on the engine. */
  static final int KEPT_CALLS = 2;

  private final NDManager kept;
  private final Deque<List<Held>> calls = new ArrayDeque<>();

  /**
   * States kept in a manager of their own.
   *
   * @param parent the forecaster's manager (closing it closes them)
   */
  EngineStates(NDManager parent) {
    this.kept = parent.newSubManager();
  }

  /** One tensor in the graph's layout: the heap copy, and the engine array while kept. */
  private static final class Held {
    final EngineStates owner;
    final float[] values;
    final long[] shape;
    NDArray array;

    Held(EngineStates owner, float[] values, long[] shape, NDArray array) {
      this.owner = owner;
      this.values = values;
      this.shape = shape;
      this.array = array;
    }
  }

  /** The engine array of a state tensor, in {@code call} unless it is kept here. */
  private NDArray toEngine(NDManager call, EngineTensor t, boolean features) {
    if (t.payload() instanceof Held held) {
      if (held.owner == this && held.array != null) {
        return held.array;
      }
      return DjlArrays.owned(call, held.values, new Shape(held.shape));
    }
    return features ? BatchLayouts.featuresToDjl(call, t.tensor())
        : BatchLayouts.stateToDjl(call, t.tensor());
  }

  /** Initial states as engine arrays, or null for null. */
  List<ConvLstmGraph.State> statesToEngine(NDManager call, List<LayerState> states) {
    if (states == null) {
      return null;
    }
    List<ConvLstmGraph.State> out = new ArrayList<>(states.size());
    for (LayerState s : states) {
      out.add(new ConvLstmGraph.State(toEngine(call, s.hState(), false),
          toEngine(call, s.cState(), false)));
    }
    return out;
  }

  /** Head context as an engine array, or null for null. */
  NDArray featuresToEngine(NDManager call, EngineTensor t) {
    return t == null ? null : toEngine(call, t, true);
  }

  /**
   * Takes over one call's final states and head features (engine arrays left open by the
   * graph): keeps them here, lets go of the engine arrays of the call {@value #KEPT_CALLS}
   * calls ago, and returns the states and features with deferred Keras tensors.
   *
   * @param finals per layer (h, c), {@code [N, F, H, W]}
   * @param features {@code [N, w, F, H, W]}, or null
   * @return the states and (last element, when {@code features} is not null) the features
   */
  Kept keep(List<ConvLstmGraph.State> finals, NDArray features) {
    List<Held> held = new ArrayList<>();
    List<LayerState> states = new ArrayList<>(finals.size());
    for (ConvLstmGraph.State s : finals) {
      states.add(new LayerState(state(s.h(), held), state(s.c(), held)));
    }
    EngineTensor f = null;
    if (features != null) {
      Held h = hold(features, held);
      long[] d = h.shape;
      int window = Math.toIntExact(d[1]);
      f = EngineTensor.deferred(new int[] {(int) d[0], window, (int) d[3], (int) d[4],
          (int) d[2]}, h, () -> BatchLayouts.featuresToKeras(h.values,
              new long[] {d[0], d[2], d[3], d[4]}, window));
    }
    calls.addLast(held);
    while (calls.size() > KEPT_CALLS) {
      for (Held h : calls.removeFirst()) {
        h.array.close();
        h.array = null;
      }
    }
    return new Kept(states, f);
  }

  /** What {@link #keep} returns. */
  record Kept(List<LayerState> states, EngineTensor features) {}

  private EngineTensor state(NDArray a, List<Held> held) {
    Held h = hold(a, held);
    long[] d = h.shape;
    return EngineTensor.deferred(new int[] {(int) d[0], (int) d[2], (int) d[3], (int) d[1]}, h,
        () -> BatchLayouts.stateToKeras(h.values, d));
  }

  private Held hold(NDArray a, List<Held> held) {
    a.attach(kept);
    Held h = new Held(this, a.toFloatArray(), a.getShape().getShape(), a);
    held.add(h);
    return h;
  }

  /** Lets go of every kept engine array (the heap copies stay valid). */
  void clear() {
    for (List<Held> call : calls) {
      for (Held h : call) {
        h.array.close();
        h.array = null;
      }
    }
    calls.clear();
  }
}
