package io.github.convlstm4j.spi;

import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.ForecastSession;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.SessionState;
import io.github.convlstm4j.api.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The forecaster core's {@link ForecastSession}, the same for every backend: it carries each
 * ConvLSTM layer's state, and the head's input features of the last {@code w} frames
 * ({@link AbstractForecaster#headWindow()}), through the backend's {@code forward} primitive.
 * A push is one frame step; the Conv3D head sees the kept features before the new frame's and
 * zero padding after it, as a run over the whole sequence shows its last frame.
 *
 * <p>For an encoder–forecaster ({@link io.github.convlstm4j.api.EncoderForecasterSpec}) the
 * carried state is the encoder's: a push advances the encoder by one frame and returns the
 * first forecast frame from the new state (the next-frame prediction); {@link #forecast(int)}
 * unrolls the forecasting network {@code h} steps from the current encoder state (past the
 * model's horizon too) without changing it; an exported state names the encoder layers'
 * {@code conv_lstm2d_<i>/h} and {@code /c}.
 */
final class CoreSession implements ForecastSession {

  /** Name of the head features in an exported state. */
  static final String HEAD_FEATURES = "head/features";

  private final AbstractForecaster owner;
  private final int streams;
  private final int window;
  private List<LayerState> state;
  private EngineTensor features;
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
    this.window = owner.headWindow();
  }

  private CoreSession(CoreSession other) {
    this.owner = other.owner;
    this.streams = other.streams;
    this.window = other.window;
    this.state = other.state;
    this.features = other.features;
    this.lastOutputs = other.lastOutputs;
    this.frameShape = other.frameShape;
    this.framesSeen = other.framesSeen;
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
    return run(frames);
  }

  @Override
  public List<FrameSequence> pushAll(List<FrameSequence> sequences) {
    checkOpen();
    checkFrames(sequences, false);
    return run(sequences);
  }

  /** One run of checked sequences from the current state; the last frames' outputs. */
  private List<FrameSequence> run(List<FrameSequence> sequences) {
    AbstractForecaster.Step out = owner.runFrom(sequences, state, features);
    List<FrameSequence> outputs = new ArrayList<>(streams);
    boolean encoderForecaster = owner.spec().encoderForecaster().isPresent();
    out.outputs().forEach(o -> outputs.add(encoderForecaster ? o.frame(0) : o.lastFrame()));
    state = out.state();
    features = out.headFeatures();
    lastOutputs = List.copyOf(outputs);
    frameShape = sequences.get(0).frameShape();
    framesSeen += sequences.get(0).frames();
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
    if (owner.spec().encoderForecaster().isPresent()) {
      // its outputs are input-shaped frames; an imported state is checked against them
      FrameShape frame = frameShape != null ? frameShape : current.get(0).frameShape();
      owner.checkHorizon(horizon, frame, streams);
      if (frameShape == null) {
        owner.checkState(state, streams, frame);
      }
      return List.copyOf(owner.unrollForecaster(state, horizon));
    }
    FrameShape input = frameShape;
    if (input == null) {
      // Imported and nothing pushed yet: the state's output frames are the next inputs; their
      // channels must be the model's, and the state's shapes must fit frames of their size.
      input = current.get(0).frameShape();
      if (input.channels() != owner.spec().inputChannels()) {
        throw new IllegalArgumentException("forecast needs output frames shaped like the input "
            + "frames: the model reads " + owner.spec().inputChannels() + " channel(s), the "
            + "imported output frame is " + input);
      }
      owner.checkState(state, streams, input);
    }
    if (!current.get(0).frameShape().equals(input)) {
      throw new IllegalArgumentException("forecast needs output frames shaped like the input "
          + "frames: input frame " + input + ", output frame "
          + current.get(0).frameShape());
    }
    owner.checkHorizon(horizon, input, streams);
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
        current = fork.run(current);
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
      for (int i = 0; i < state.size(); i++) {
        m.put(ConvLstmLayerSpec.KIND + "_" + i + "/h", state.get(i).h());
        m.put(ConvLstmLayerSpec.KIND + "_" + i + "/c", state.get(i).c());
      }
      m.put("output", stack(lastOutputs));
      if (features != null) {
        m.put(HEAD_FEATURES, features.tensor());
      }
    }
    return new SessionState(framesSeen, m);
  }

  /** Opens a session from an exported state, after checking every tensor's name and rank. */
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
    ModelSpec spec = owner.spec();
    List<LayerState> layers = new ArrayList<>();
    for (int i = 0; i < spec.convLstmLayers().size(); i++) {
      String name = ConvLstmLayerSpec.KIND + "_" + i;
      Tensor h = take(t, name + "/h", 4);
      Tensor c = take(t, name + "/c", 4);
      if (h.shape()[0] != streams || !h.shapeList().equals(c.shapeList())) {
        throw new IllegalArgumentException(name + "/h and /c must both be [" + streams
            + ", H, W, F], got " + h.shapeList() + " and " + c.shapeList());
      }
      layers.add(new LayerState(h, c));
    }
    if (session.window > 0) {
      session.features = EngineTensor.of(take(t, HEAD_FEATURES, 5));
    }
    if (!t.isEmpty()) {
      throw new IllegalArgumentException("unexpected session state tensors " + t.keySet()
          + " (expected conv_lstm2d_<i>/h and /c, output"
          + (session.window > 0 ? ", " + HEAD_FEATURES : "") + ")");
    }
    session.state = List.copyOf(layers);
    session.lastOutputs = unstack(output);
    session.framesSeen = s.framesSeen();
    return session;
  }

  @Override
  public void close() {
    closed = true;
    state = null;
    features = null;
    lastOutputs = null;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this session is closed");
    }
  }

  /**
   * Checks pushed frames; an imported state's shapes are checked against the first frame
   * (they depend on the frame size, which a state does not record).
   */
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
      owner.checkState(state, streams, first.frameShape());
      if (features != null) {
        owner.checkHeadContext(features, streams, first.frameShape());
      }
    }
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
