package io.github.convlstm4j.spi;

import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.ForecastSession;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.SessionState;
import io.github.convlstm4j.api.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The forecaster core's {@link ForecastSession}, the same for every backend: it carries each
 * ConvLSTM layer's state through the backend's {@code forward} primitive.
 *
 * <p>A Conv3D head of time kernel {@code kt} makes a step's output depend on the last layer's
 * features of the {@code w} frames before it ({@code w = kt - 1} for CAUSAL, {@code (kt-1)/2}
 * for SAME time padding). The session keeps those frames and the states before each, and runs
 * each push over the window of the last {@code w} frames and the new one, from the state before
 * the window: the last output is then exactly the definition's (the head sees what a run over
 * the whole sequence would show it, zero padding after the last frame included), at the cost
 * of {@code w + 1} frame steps per push.
 */
final class CoreSession implements ForecastSession {

  /** One pushed frame per stream and the state before it. */
  private record Step(List<FrameSequence> inputs, List<LayerState> before) {}

  private final AbstractForecaster owner;
  private final int streams;
  private final int window;
  private final Deque<Step> recent;
  private List<LayerState> state;
  private List<FrameSequence> lastOutputs;
  private FrameShape frameShape;
  private long framesSeen;
  private boolean closed;

  CoreSession(AbstractForecaster owner, int streams) {
    if (streams < 1) {
      throw new IllegalArgumentException("a session needs at least 1 stream, got " + streams);
    }
    this.owner = owner;
    this.streams = streams;
    this.window = headWindow(owner.spec());
    this.recent = new ArrayDeque<>();
  }

  private CoreSession(CoreSession other) {
    this.owner = other.owner;
    this.streams = other.streams;
    this.window = other.window;
    this.recent = new ArrayDeque<>(other.recent);
    this.state = other.state;
    this.lastOutputs = other.lastOutputs;
    this.frameShape = other.frameShape;
    this.framesSeen = other.framesSeen;
  }

  /** Frames before a step that a step's output depends on through the head. */
  static int headWindow(ModelSpec spec) {
    if (!spec.returnsSequences()) {
      return 0;
    }
    return spec.head().map(h -> h.timePadding() == io.github.convlstm4j.api.TimePadding.CAUSAL
        ? h.kernelTime() - 1 : (h.kernelTime() - 1) / 2).orElse(0);
  }

  @Override
  public int streams() {
    checkOpen();
    return streams;
  }

  @Override
  public long framesSeen() {
    checkOpen();
    return framesSeen;
  }

  @Override
  public List<FrameSequence> push(List<FrameSequence> frames) {
    checkOpen();
    checkFrames(frames, true);
    return step(frames);
  }

  @Override
  public List<FrameSequence> pushAll(List<FrameSequence> sequences) {
    checkOpen();
    checkFrames(sequences, false);
    int t = sequences.get(0).frames();
    int from = 0;
    if (recent.isEmpty() && t > window + 1) {
      // The frames before the last w + 1 in one run: only the state after them is needed.
      int prefix = t - window - 1;
      List<FrameSequence> head = new ArrayList<>(streams);
      sequences.forEach(s -> head.add(s.slice(0, prefix)));
      state = owner.runFrom(head, state).state();
      frameShape = sequences.get(0).frameShape();
      framesSeen += prefix;
      from = prefix;
    }
    List<FrameSequence> out = null;
    for (int k = from; k < t; k++) {
      List<FrameSequence> frame = new ArrayList<>(streams);
      for (FrameSequence s : sequences) {
        frame.add(s.frame(k));
      }
      out = step(frame);
    }
    return out;
  }

  /** One push of checked frames. */
  private List<FrameSequence> step(List<FrameSequence> frames) {
    List<FrameSequence> run = new ArrayList<>(streams);
    for (int b = 0; b < streams; b++) {
      List<FrameSequence> parts = new ArrayList<>(recent.size() + 1);
      for (Step s : recent) {
        parts.add(s.inputs().get(b));
      }
      parts.add(frames.get(b));
      run.add(FrameSequence.concat(parts));
    }
    List<LayerState> start = recent.isEmpty() ? state : recent.peekFirst().before();
    AbstractForecaster.StatefulOutput out = owner.runFrom(run, start);
    List<FrameSequence> outputs = new ArrayList<>(streams);
    out.outputs().forEach(o -> outputs.add(o.lastFrame()));
    if (window > 0) {
      List<LayerState> before = state != null ? state : zerosLike(out.state());
      recent.addLast(new Step(List.copyOf(frames), before));
      if (recent.size() > window) {
        recent.removeFirst();
      }
    }
    state = out.state();
    lastOutputs = List.copyOf(outputs);
    frameShape = frames.get(0).frameShape();
    framesSeen++;
    return lastOutputs;
  }

  @Override
  public List<FrameSequence> lastOutputs() {
    checkOpen();
    if (lastOutputs == null) {
      throw new IllegalStateException("no output before the first push");
    }
    return lastOutputs;
  }

  @Override
  public List<FrameSequence> forecast(int horizon) {
    checkOpen();
    if (horizon < 1) {
      throw new IllegalArgumentException("horizon must be at least 1, got " + horizon);
    }
    List<FrameSequence> current = lastOutputs();
    if (!current.get(0).frameShape().equals(frameShape)) {
      throw new IllegalArgumentException("forecast needs output frames shaped like the input "
          + "frames: input frame " + frameShape + ", output frame "
          + current.get(0).frameShape());
    }
    owner.checkHorizon(horizon, frameShape, streams);
    List<List<FrameSequence>> rolled = new ArrayList<>();
    for (int b = 0; b < streams; b++) {
      rolled.add(new ArrayList<>(horizon));
    }
    CoreSession fork = new CoreSession(this);
    for (int k = 0; k < horizon; k++) {
      for (int b = 0; b < streams; b++) {
        rolled.get(b).add(current.get(b));
      }
      if (k + 1 < horizon) {
        current = fork.step(current);
      }
    }
    List<FrameSequence> result = new ArrayList<>(streams);
    rolled.forEach(r -> result.add(FrameSequence.concat(r)));
    return result;
  }

  @Override
  public ForecastSession fork() {
    checkOpen();
    return new CoreSession(this);
  }

  @Override
  public SessionState state() {
    checkOpen();
    Map<String, Tensor> m = new LinkedHashMap<>();
    if (framesSeen > 0) {
      putState(m, "", state);
      m.put("output", stack(lastOutputs));
      int k = 0;
      for (Step s : recent) {
        m.put("window/" + k + "/input", stack(s.inputs()));
        putState(m, "window/" + k + "/", s.before());
        k++;
      }
    }
    return new SessionState(framesSeen, m);
  }

  /** Opens a session from an exported state, after checking every tensor. */
  static CoreSession restore(AbstractForecaster owner, SessionState s) {
    Objects.requireNonNull(s, "state");
    Map<String, Tensor> t = new LinkedHashMap<>(s.tensors());
    if (s.framesSeen() == 0) {
      if (!t.isEmpty()) {
        throw new IllegalArgumentException("a state of 0 frames holds no tensors, got "
            + t.keySet());
      }
      return new CoreSession(owner, 1);
    }
    Tensor output = take(t, "output", 4);
    int streams = output.shape()[0];
    CoreSession session = new CoreSession(owner, streams);
    session.state = takeState(t, "", owner.spec(), streams);
    int frames = (int) Math.min(session.window, s.framesSeen());
    FrameShape input = null;
    for (int k = 0; k < frames; k++) {
      Tensor in = take(t, "window/" + k + "/input", 4);
      if (in.shape()[0] != streams) {
        throw new IllegalArgumentException("window/" + k + "/input must hold " + streams
            + " streams like output, got " + in.shapeList());
      }
      input = new FrameShape(in.shape()[1], in.shape()[2], in.shape()[3]);
      session.recent.addLast(new Step(unstack(in), takeState(t, "window/" + k + "/",
          owner.spec(), streams)));
    }
    if (!t.isEmpty()) {
      throw new IllegalArgumentException("unexpected session state tensors " + t.keySet()
          + " (the model's head keeps a window of " + session.window + " frames)");
    }
    session.lastOutputs = unstack(output);
    session.framesSeen = s.framesSeen();
    session.frameShape = input;
    session.checkStates();
    return session;
  }

  /** The shapes of the states against the model, once the frame size is known. */
  private void checkStates() {
    if (frameShape == null) {
      return; // no window: the first push checks the state against its frame
    }
    PackedBatch probe = PackedBatch.adopt(streams, 1, frameShape,
        new float[streams * frameShape.size()]);
    owner.checkStateShapes(state, probe);
    for (Step s : recent) {
      owner.checkStateShapes(s.before(), probe);
    }
  }

  @Override
  public void close() {
    closed = true;
    recent.clear();
    state = null;
    lastOutputs = null;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this session is closed");
    }
  }

  private void checkFrames(List<FrameSequence> frames, boolean single) {
    Objects.requireNonNull(frames, "frames");
    if (frames.size() != streams) {
      throw new IllegalArgumentException("push needs one sequence per stream: " + streams
          + " streams, got " + frames.size());
    }
    FrameSequence first = FrameSequence.requireUniformBatch(frames, "frames");
    if (single && first.frames() != 1) {
      throw new IllegalArgumentException("push takes 1 frame per stream, got " + first.frames()
          + " (use pushAll for sequences)");
    }
    owner.checkInput(first, "frames[0]");
    if (frameShape != null && !first.frameShape().equals(frameShape)) {
      throw new IllegalArgumentException("frames must be shaped like the earlier frames of "
          + "this session, " + frameShape + ", got " + first.frameShape());
    }
    if (frameShape == null && state != null) {
      PackedBatch probe = PackedBatch.adopt(streams, 1, first.frameShape(),
          new float[streams * first.frameShape().size()]);
      owner.checkStateShapes(state, probe);
    }
  }

  /** Zero states of the shapes of {@code s} (the state before a session's first frame). */
  private static List<LayerState> zerosLike(List<LayerState> s) {
    List<LayerState> z = new ArrayList<>(s.size());
    for (LayerState l : s) {
      z.add(new LayerState(Tensor.zeros(l.shape()), Tensor.zeros(l.shape())));
    }
    return List.copyOf(z);
  }

  private static void putState(Map<String, Tensor> m, String prefix, List<LayerState> s) {
    for (int i = 0; i < s.size(); i++) {
      m.put(prefix + ConvLstmLayerSpec.KIND + "_" + i + "/h", s.get(i).h());
      m.put(prefix + ConvLstmLayerSpec.KIND + "_" + i + "/c", s.get(i).c());
    }
  }

  private static List<LayerState> takeState(Map<String, Tensor> t, String prefix,
      ModelSpec spec, int streams) {
    List<LayerState> s = new ArrayList<>();
    for (int i = 0; i < spec.convLstmLayers().size(); i++) {
      String name = prefix + ConvLstmLayerSpec.KIND + "_" + i;
      Tensor h = take(t, name + "/h", 4);
      Tensor c = take(t, name + "/c", 4);
      if (h.shape()[0] != streams || !h.shapeList().equals(c.shapeList())) {
        throw new IllegalArgumentException(name + "/h and /c must both be [" + streams
            + ", H, W, F], got " + h.shapeList() + " and " + c.shapeList());
      }
      s.add(new LayerState(h, c));
    }
    return s;
  }

  private static Tensor take(Map<String, Tensor> t, String name, int rank) {
    Tensor x = t.remove(name);
    if (x == null) {
      throw new IllegalArgumentException("session state tensor '" + name + "' is missing");
    }
    if (x.rank() != rank) {
      throw new IllegalArgumentException("session state tensor '" + name + "' must have rank "
          + rank + ", got " + x.shapeList());
    }
    return x;
  }

  /** One-frame sequences {@code [1, H, W, C]} stacked as {@code [N, H, W, C]}. */
  private static Tensor stack(List<FrameSequence> frames) {
    FrameShape s = frames.get(0).frameShape();
    float[] data = new float[frames.size() * s.size()];
    for (int b = 0; b < frames.size(); b++) {
      frames.get(b).copyTo(data, b * s.size());
    }
    return Tensor.of(new int[] {frames.size(), s.height(), s.width(), s.channels()}, data);
  }

  private static List<FrameSequence> unstack(Tensor t) {
    int[] s = t.shape();
    FrameShape shape = new FrameShape(s[1], s[2], s[3]);
    float[] all = t.toArray();
    List<FrameSequence> out = new ArrayList<>(s[0]);
    for (int b = 0; b < s[0]; b++) {
      float[] one = new float[shape.size()];
      System.arraycopy(all, b * shape.size(), one, 0, one.length);
      out.add(FrameSequence.of(1, shape, one));
    }
    return List.copyOf(out);
  }
}
