package io.github.convlstm4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.convlstm4j.spi.EngineTensor;
import io.github.convlstm4j.spi.LayerState;
import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The streaming states one forecaster returned, kept on the engine for the next calls. What
 * {@code forward} returns is held in the graph's layouts ({@code [N, F, H, W]}; head features
 * {@code [N, w, F, H, W]}); when the core passes such a state back (the next push of a
 * session, a fork) the engine array is used as it is: no upload and no permute. The Keras
 * layouts are computed only when someone reads the tensors (an export).
 *
 * <p>Native memory: each call's arrays are fresh copies (never views of a larger array of the
 * call) in a manager of their own, a <em>generation</em>. Only the last {@value #KEPT_CALLS}
 * generations stay on the engine: when a newer call replaces the oldest, its arrays are copied
 * to the heap if the state objects holding them may still be read, and its manager is closed;
 * such a state, passed back later, is uploaded from that copy. {@link #clear()} does the same
 * for all of them (the forecaster closes). So the engine holds at most {@value #KEPT_CALLS}
 * calls' states, however many pushes a stream makes and however many sessions forked.
 *
 * <p>Kept arrays are never changed once handed out (the graph only reads initial states), so
 * a state used twice (two forks) gives the same result both times. Reading a state from
 * another thread (an export while the forecaster runs) is safe: copying and closing take this
 * store's lock.
 */
final class EngineStates {

  /** Calls whose returned states stay on the engine. */
  static final int KEPT_CALLS = 2;

  private final NDManager parent;
  private final Deque<Generation> generations = new ArrayDeque<>();
  private boolean closed;

  /** One call's arrays: their manager, and the tensors that refer to them (weakly). */
  private record Generation(NDManager manager, List<WeakReference<Held>> held) {}

  /** One tensor in the graph's layout: the engine array while kept, else the heap copy. */
  private static final class Held {
    final EngineStates owner;
    final long[] shape;
    NDArray array;
    float[] values;

    Held(EngineStates owner, NDArray array) {
      this.owner = owner;
      this.shape = array.getShape().getShape().clone();
      this.array = array;
    }

    /** The values in the graph's layout, copied from the engine if still there. */
    float[] values() {
      synchronized (owner) {
        if (values == null) {
          values = array.toFloatArray();
        }
        return values;
      }
    }
  }

  /**
   * States kept in sub-managers of {@code parent}.
   *
   * @param parent the forecaster's manager (closing it closes every generation too)
   */
  EngineStates(NDManager parent) {
    this.parent = parent;
  }

  /** The engine array of a state tensor: the kept one, or an upload into {@code call}. */
  private NDArray toEngine(NDManager call, EngineTensor t, boolean features) {
    if (t.payload() instanceof Held held && held.owner == this) {
      synchronized (this) {
        if (held.array == null) {
          return DjlArrays.owned(call, held.values, new Shape(held.shape));
        }
        // Borrowed for the call: the graph's results then join the call's manager, never the
        // generation's; back to the generation when the call's manager closes.
        if (held.array.getManager() != call) { // the same tensor twice in one call: once
          held.array.tempAttach(call);
        }
        return held.array;
      }
    }
    return features ? BatchLayouts.featuresToDjl(call, t.tensor())
        : BatchLayouts.stateToDjl(call, t.tensor());
  }

  /**
   * Initial states as engine arrays in {@code call}: kept ones temporarily attached to it (no
   * copy), others uploaded into it; null for null. The graph only reads them.
   */
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

  /** Head context as an engine array (see {@link #statesToEngine}), or null for null. */
  NDArray featuresToEngine(NDManager call, EngineTensor t) {
    return t == null ? null : toEngine(call, t, true);
  }

  /**
   * Takes over one call's final states and head features (fresh arrays the graph left open):
   * moves them into a new generation and returns the states and features as deferred Keras
   * tensors. The caller calls {@link #trim()} once the call's manager is closed.
   *
   * @param finals per layer (h, c), {@code [N, F, H, W]}
   * @param features {@code [N, w, F, H, W]}, or null
   * @return the states and the features (null when {@code features} is)
   */
  Kept keep(List<ConvLstmGraph.State> finals, NDArray features) {
    NDManager m = parent.newSubManager();
    List<WeakReference<Held>> refs = new ArrayList<>();
    List<LayerState> states = new ArrayList<>(finals.size());
    for (ConvLstmGraph.State s : finals) {
      states.add(new LayerState(state(hold(m, s.h(), refs)), state(hold(m, s.c(), refs))));
    }
    EngineTensor f = null;
    if (features != null) {
      Held h = hold(m, features, refs);
      long[] d = h.shape; // [N, w, F, H, W]
      int window = Math.toIntExact(d[1]);
      f = EngineTensor.deferred(new int[] {(int) d[0], window, (int) d[3], (int) d[4],
          (int) d[2]}, h, () -> BatchLayouts.featuresToKeras(h.values(),
              new long[] {d[0], d[2], d[3], d[4]}, window));
    }
    synchronized (this) {
      if (closed) { // never after release; kept simple: let go at once
        m.close();
        throw new IllegalStateException("the forecaster is closed");
      }
      generations.addLast(new Generation(m, refs));
    }
    return new Kept(states, f);
  }

  /**
   * Lets go of the generations beyond the newest {@value #KEPT_CALLS}. Called after the call's
   * manager closed, so that no array borrowed by the call ({@link #statesToEngine}) belongs
   * to a generation being closed.
   */
  synchronized void trim() {
    while (generations.size() > KEPT_CALLS) {
      release(generations.removeFirst());
    }
  }

  /** What {@link #keep} returns. */
  record Kept(List<LayerState> states, EngineTensor features) {}

  private static EngineTensor state(Held h) {
    long[] d = h.shape; // [N, F, H, W]
    return EngineTensor.deferred(new int[] {(int) d[0], (int) d[2], (int) d[3], (int) d[1]}, h,
        () -> BatchLayouts.stateToKeras(h.values(), d));
  }

  private Held hold(NDManager m, NDArray a, List<WeakReference<Held>> refs) {
    a.attach(m);
    Held h = new Held(this, a);
    refs.add(new WeakReference<>(h));
    return h;
  }

  /** Copies what may still be read to the heap, then closes the generation's arrays. */
  private void release(Generation g) {
    for (WeakReference<Held> ref : g.held()) {
      Held h = ref.get();
      if (h != null) {
        if (h.values == null) {
          h.values = h.array.toFloatArray();
        }
        h.array = null;
      }
    }
    g.manager().close();
  }

  /** Lets go of every kept engine array (states still referenced keep heap copies). */
  synchronized void clear() {
    closed = true;
    while (!generations.isEmpty()) {
      release(generations.removeFirst());
    }
  }

  /**
   * Engine arrays kept now, for tests.
   *
   * @return the number of arrays in the kept generations' managers
   */
  synchronized int keptArrays() {
    int n = 0;
    for (Generation g : generations) {
      n += g.manager().getManagedArrays().size();
    }
    return n;
  }
}
