package io.github.convlstm4j.testkit;

import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.spi.BackendProvider;
import io.github.convlstm4j.spi.Capability;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deliberately broken backends, each the reference backend with one realistic bug, and the kit
 * subclasses that run the conformance kit against them (only inside
 * {@link BrokenBackendsAreCaughtTest}, see {@link SelfTestKit}).
 */
final class BrokenBackends {

  private BrokenBackends() {}

  // ---- the bugs ----

  /**
   * Forget and input gates swapped: the math runs with the i and f slices of the kernel,
   * recurrent kernel and bias exchanged (as a backend that splits z as f, i, c, o would).
   */
  static final class SwappedGates extends ForwardingForecaster {
    SwappedGates(Forecaster d, String name) {
      super(d, name);
      // the delegate initialized itself in its own (correct) layout; show it swapped
    }

    @Override
    public void setWeights(ModelWeights w) {
      delegate.setWeights(swap(delegate.spec(), w));
    }

    @Override
    public ModelWeights weights() {
      return swap(delegate.spec(), delegate.weights());
    }

    @Override
    public Checkpoint checkpoint() {
      Checkpoint c = delegate.checkpoint();
      return new Checkpoint(c.spec(), swap(c.spec(), c.weights()), c.optimizerState(),
          c.epochsCompleted());
    }

    @Override
    public void restore(Checkpoint c) {
      delegate.restore(new Checkpoint(c.spec(), swap(c.spec(), c.weights()), c.optimizerState(),
          c.epochsCompleted()));
    }

    static ModelWeights swap(ModelSpec spec, ModelWeights w) {
      if (!w.problemsAgainst(spec).isEmpty()) {
        return w;
      }
      Map<String, Tensor> m = new LinkedHashMap<>(w.asMap());
      for (int i = 0; i < spec.convLstmLayers().size(); i++) {
        int f = spec.convLstmLayers().get(i).filters();
        for (String n : List.of(ModelSpec.kernelName(i), ModelSpec.recurrentKernelName(i),
            ModelSpec.biasName(i))) {
          Tensor t = m.get(n);
          if (t == null) {
            continue;
          }
          float[] v = t.toArray();
          for (int row = 0; row < v.length; row += 4 * f) {
            for (int k = 0; k < f; k++) {
              float tmp = v[row + k];
              v[row + k] = v[row + f + k];
              v[row + f + k] = tmp;
            }
          }
          m.put(n, Tensor.of(t.shape(), v));
        }
      }
      return ModelWeights.of(m);
    }
  }

  /**
   * A recurrent convolution that only sees the centre pixel: every off-centre tap of the
   * recurrent kernel is dropped (zeroed) before the math runs, as a backend that "forgot" the
   * recurrent padding and fell back to a 1×1 recurrent convolution would behave.
   */
  static final class BlindRecurrentBorder extends ForwardingForecaster {
    private ModelWeights shown;

    BlindRecurrentBorder(Forecaster d, String name) {
      super(d, name);
    }

    @Override
    public void setWeights(ModelWeights w) {
      delegate.setWeights(centreOnly(delegate.spec(), w));
      shown = w;
    }

    @Override
    public ModelWeights weights() {
      return shown != null ? shown : delegate.weights();
    }

    static ModelWeights centreOnly(ModelSpec spec, ModelWeights w) {
      if (!w.problemsAgainst(spec).isEmpty()) {
        return w;
      }
      Map<String, Tensor> m = new LinkedHashMap<>(w.asMap());
      for (int i = 0; i < spec.convLstmLayers().size(); i++) {
        ConvLstmLayerSpec l = spec.convLstmLayers().get(i);
        String n = ModelSpec.recurrentKernelName(i);
        Tensor t = m.get(n);
        float[] v = t.toArray();
        int perTap = l.filters() * 4 * l.filters();
        int centre = ((l.kernelHeight() - 1) / 2) * l.kernelWidth() + (l.kernelWidth() - 1) / 2;
        for (int tap = 0; tap < l.kernelHeight() * l.kernelWidth(); tap++) {
          if (tap != centre) {
            java.util.Arrays.fill(v, tap * perTap, (tap + 1) * perTap, 0f);
          }
        }
        m.put(n, Tensor.of(t.shape(), v));
      }
      return ModelWeights.of(m);
    }
  }

  /**
   * SAME padding of even kernels on the wrong side ({@code k/2} before instead of
   * {@code (k-1)/2}), in every convolution. Simulated exactly: a correlation on mirrored frames
   * with mirrored kernels, mirrored back, is the correlation padded on the other side; for odd
   * kernels it changes nothing.
   */
  static final class MirroredEvenPadding extends ForwardingForecaster {
    MirroredEvenPadding(Forecaster d, String name) {
      super(d, name);
    }

    static FrameSequence mirror(FrameSequence s) {
      float[] out = new float[s.size()];
      int h = s.height();
      int w = s.width();
      int c = s.channels();
      for (int t = 0; t < s.frames(); t++) {
        for (int r = 0; r < h; r++) {
          for (int col = 0; col < w; col++) {
            for (int ch = 0; ch < c; ch++) {
              out[((t * h + r) * w + col) * c + ch] = s.get(t, h - 1 - r, w - 1 - col, ch);
            }
          }
        }
      }
      return FrameSequence.of(s.frames(), s.frameShape(), out);
    }

    /** Reverses two adjacent axes (rows and columns of a kernel) of a C-order tensor. */
    static Tensor mirror(Tensor t, int rowAxis) {
      int[] shape = t.shape();
      int outer = 1;
      for (int i = 0; i < rowAxis; i++) {
        outer *= shape[i];
      }
      int kh = shape[rowAxis];
      int kw = shape[rowAxis + 1];
      int inner = 1;
      for (int i = rowAxis + 2; i < shape.length; i++) {
        inner *= shape[i];
      }
      float[] v = t.toArray();
      float[] out = new float[v.length];
      for (int o = 0; o < outer; o++) {
        for (int r = 0; r < kh; r++) {
          for (int c = 0; c < kw; c++) {
            System.arraycopy(v, ((o * kh + (kh - 1 - r)) * kw + (kw - 1 - c)) * inner, out,
                ((o * kh + r) * kw + c) * inner, inner);
          }
        }
      }
      return Tensor.of(shape, out);
    }

    static ModelWeights mirror(ModelSpec spec, ModelWeights w) {
      if (!w.problemsAgainst(spec).isEmpty()) {
        return w;
      }
      Map<String, Tensor> m = new LinkedHashMap<>(w.asMap());
      for (int i = 0; i < spec.convLstmLayers().size(); i++) {
        m.put(ModelSpec.kernelName(i), mirror(m.get(ModelSpec.kernelName(i)), 0));
        m.put(ModelSpec.recurrentKernelName(i),
            mirror(m.get(ModelSpec.recurrentKernelName(i)), 0));
      }
      if (m.containsKey(ModelSpec.HEAD_KERNEL)) {
        m.put(ModelSpec.HEAD_KERNEL, mirror(m.get(ModelSpec.HEAD_KERNEL), 1));
      }
      return ModelWeights.of(m);
    }

    static SequenceDataset mirror(SequenceDataset d) {
      List<SequenceDataset.Sample> s = new ArrayList<>();
      for (SequenceDataset.Sample x : d.samples()) {
        s.add(new SequenceDataset.Sample(mirror(x.input()), mirror(x.target())));
      }
      return SequenceDataset.of(s);
    }

    @Override
    public FrameSequence predict(FrameSequence input) {
      return mirror(delegate.predict(mirror(input)));
    }

    @Override
    public List<FrameSequence> predict(List<FrameSequence> inputs) {
      List<FrameSequence> in = new ArrayList<>();
      inputs.forEach(s -> in.add(mirror(s)));
      List<FrameSequence> out = new ArrayList<>();
      delegate.predict(in).forEach(s -> out.add(mirror(s)));
      return out;
    }

    @Override
    public FrameSequence forecast(FrameSequence context, int horizon) {
      return mirror(delegate.forecast(mirror(context), horizon));
    }

    @Override
    public double evaluate(SequenceDataset data, io.github.convlstm4j.api.Loss loss) {
      return delegate.evaluate(mirror(data), loss);
    }

    @Override
    public TrainingHistory fit(SequenceDataset data, TrainingConfig config,
        TrainingListener listener) {
      return delegate.fit(mirror(data), config, listener);
    }

    @Override
    public ModelWeights weights() {
      return mirror(delegate.spec(), delegate.weights());
    }

    @Override
    public void setWeights(ModelWeights w) {
      delegate.setWeights(mirror(delegate.spec(), w));
    }
  }

  /** Error messages that say nothing useful: "bad input" instead of expected and actual. */
  static final class VagueErrors extends ForwardingForecaster {
    VagueErrors(Forecaster d, String name) {
      super(d, name);
    }

    private static IllegalArgumentException vague(IllegalArgumentException e) {
      return new IllegalArgumentException("bad input");
    }

    @Override
    public FrameSequence predict(FrameSequence input) {
      try {
        return delegate.predict(input);
      } catch (IllegalArgumentException e) {
        throw vague(e);
      }
    }

    @Override
    public List<FrameSequence> predict(List<FrameSequence> inputs) {
      try {
        return delegate.predict(inputs);
      } catch (IllegalArgumentException e) {
        throw vague(e);
      }
    }

    @Override
    public FrameSequence forecast(FrameSequence context, int horizon) {
      try {
        return delegate.forecast(context, horizon);
      } catch (IllegalArgumentException e) {
        throw vague(e);
      }
    }

    @Override
    public void setWeights(ModelWeights w) {
      try {
        delegate.setWeights(w);
      } catch (IllegalArgumentException e) {
        throw vague(e);
      }
    }
  }

  /**
   * setWeights that is not atomic: the tensors that fit are applied before the bad one is
   * found, so a rejected call leaves the forecaster changed.
   */
  static final class PartialSetWeights extends ForwardingForecaster {
    PartialSetWeights(Forecaster d, String name) {
      super(d, name);
    }

    @Override
    public void setWeights(ModelWeights w) {
      Map<String, Tensor> now = new LinkedHashMap<>(delegate.weights().asMap());
      for (Map.Entry<String, Tensor> e : w.asMap().entrySet()) {
        Tensor old = now.get(e.getKey());
        if (old != null && old.shapeList().equals(e.getValue().shapeList())) {
          boolean finite = true;
          for (int i = 0; i < e.getValue().size(); i++) {
            finite &= Float.isFinite(e.getValue().get(i));
          }
          if (finite) {
            now.put(e.getKey(), e.getValue());
          }
        }
      }
      delegate.setWeights(ModelWeights.of(now));
      delegate.setWeights(w);
    }
  }

  /** close() that does nothing: the forecaster keeps working after close. */
  static final class NoopClose extends ForwardingForecaster {
    NoopClose(Forecaster d, String name) {
      super(d, name);
    }

    @Override
    public void close() {
      // the bug: resources are never released and the forecaster stays usable
    }
  }

  /** forecast returns one frame too many (an off-by-one in the rollout loop). */
  static final class ExtraForecastFrame extends ForwardingForecaster {
    ExtraForecastFrame(Forecaster d, String name) {
      super(d, name);
    }

    @Override
    public FrameSequence forecast(FrameSequence context, int horizon) {
      FrameSequence out = delegate.forecast(context, horizon);
      return out.append(out.lastFrame());
    }
  }

  /** Inputs with the wrong channel count are silently padded or cut to fit. */
  static final class LenientChannels extends ForwardingForecaster {
    LenientChannels(Forecaster d, String name) {
      super(d, name);
    }

    private FrameSequence fit(FrameSequence s) {
      int want = delegate.spec().inputChannels();
      if (s.channels() == want) {
        return s;
      }
      float[] out = new float[s.frames() * s.height() * s.width() * want];
      for (int t = 0; t < s.frames(); t++) {
        for (int r = 0; r < s.height(); r++) {
          for (int c = 0; c < s.width(); c++) {
            for (int ch = 0; ch < Math.min(want, s.channels()); ch++) {
              out[((t * s.height() + r) * s.width() + c) * want + ch] = s.get(t, r, c, ch);
            }
          }
        }
      }
      return FrameSequence.of(s.frames(), s.height(), s.width(), want, out);
    }

    @Override
    public FrameSequence predict(FrameSequence input) {
      return delegate.predict(fit(input));
    }

    @Override
    public List<FrameSequence> predict(List<FrameSequence> inputs) {
      List<FrameSequence> l = new ArrayList<>();
      inputs.forEach(s -> l.add(fit(s)));
      return delegate.predict(l);
    }

    @Override
    public FrameSequence forecast(FrameSequence context, int horizon) {
      return delegate.forecast(fit(context), horizon);
    }
  }

  /** The optimizer runs with twice the configured learning rate. */
  static final class DoubledLearningRate extends ForwardingForecaster {
    DoubledLearningRate(Forecaster d, String name) {
      super(d, name);
    }

    @Override
    public TrainingHistory fit(SequenceDataset data, TrainingConfig config,
        TrainingListener listener) {
      return delegate.fit(data, config.withOptimizer(
          config.optimizer().withLearningRate(2 * config.optimizer().learningRate())), listener);
    }
  }

  /** Validation taken from the front of the data (the dataset is reversed before training). */
  static final class FirstFractionValidation extends ForwardingForecaster {
    FirstFractionValidation(Forecaster d, String name) {
      super(d, name);
    }

    @Override
    public TrainingHistory fit(SequenceDataset data, TrainingConfig config,
        TrainingListener listener) {
      List<SequenceDataset.Sample> s = new ArrayList<>(data.samples());
      Collections.reverse(s);
      return delegate.fit(SequenceDataset.of(s), config, listener);
    }
  }

  /** predict carries the LSTM state over from the previous call (it replays that input). */
  static final class StatefulPredict extends ForwardingForecaster {
    private FrameSequence previous;

    StatefulPredict(Forecaster d, String name) {
      super(d, name);
    }

    @Override
    public FrameSequence predict(FrameSequence input) {
      FrameSequence in = previous != null
          && previous.frameShape().equals(input.frameShape()) ? previous.append(input) : input;
      previous = input;
      FrameSequence out = delegate.predict(in);
      return out.frames() == in.frames() && in != input
          ? out.slice(out.frames() - input.frames(), out.frames()) : out;
    }
  }

  /** A correct backend without training: fit throws IllegalStateException as documented. */
  static final class InferenceOnly extends ForwardingForecaster {
    InferenceOnly(Forecaster d, String name) {
      super(d, name);
    }

    @Override
    public TrainingHistory fit(SequenceDataset data, TrainingConfig config,
        TrainingListener listener) {
      spec(); // throws IllegalStateException after close, like every other call
      throw new IllegalStateException("backend 'inference-only' does not declare TRAINING");
    }
  }

  // ---- the kits ----

  /** A correct minimal backend that declares no capability at all: skips, never failures. */
  static final class MinimalKit extends SelfTestKit {
    @Override
    protected BackendProvider provider() {
      return new WrappingProvider("inference-only", EnumSet.noneOf(Capability.class), true,
          InferenceOnly::new);
    }
  }

  /** The unbroken wrapper, as a control: everything but discovery must pass. */
  static final class PassThroughKit extends SelfTestKit {
    @Override
    protected BackendProvider provider() {
      return new WrappingProvider("pass-through", ForwardingForecaster::new);
    }
  }

  static final class SwappedGatesKit extends SelfTestKit {
    @Override
    protected BackendProvider provider() {
      return new WrappingProvider("swapped-gates", SwappedGates::new);
    }
  }

  static final class BlindRecurrentBorderKit extends SelfTestKit {
    @Override
    protected BackendProvider provider() {
      return new WrappingProvider("blind-recurrent-border", BlindRecurrentBorder::new);
    }
  }

  static final class MirroredEvenPaddingKit extends SelfTestKit {
    @Override
    protected BackendProvider provider() {
      return new WrappingProvider("mirrored-even-padding", MirroredEvenPadding::new);
    }
  }

  static final class VagueErrorsKit extends SelfTestKit {
    @Override
    protected BackendProvider provider() {
      return new WrappingProvider("vague-errors", VagueErrors::new);
    }
  }

  static final class PartialSetWeightsKit extends SelfTestKit {
    @Override
    protected BackendProvider provider() {
      return new WrappingProvider("partial-set-weights", PartialSetWeights::new);
    }
  }

  static final class NoopCloseKit extends SelfTestKit {
    @Override
    protected BackendProvider provider() {
      return new WrappingProvider("noop-close", NoopClose::new);
    }
  }

  static final class ExtraForecastFrameKit extends SelfTestKit {
    @Override
    protected BackendProvider provider() {
      return new WrappingProvider("extra-forecast-frame", ExtraForecastFrame::new);
    }
  }

  static final class LenientChannelsKit extends SelfTestKit {
    @Override
    protected BackendProvider provider() {
      return new WrappingProvider("lenient-channels", LenientChannels::new);
    }
  }

  static final class DoubledLearningRateKit extends SelfTestKit {
    @Override
    protected BackendProvider provider() {
      return new WrappingProvider("doubled-learning-rate", DoubledLearningRate::new);
    }
  }

  static final class FirstFractionValidationKit extends SelfTestKit {
    @Override
    protected BackendProvider provider() {
      return new WrappingProvider("first-fraction-validation", FirstFractionValidation::new);
    }
  }

  static final class StatefulPredictKit extends SelfTestKit {
    @Override
    protected BackendProvider provider() {
      return new WrappingProvider("stateful-predict", StatefulPredict::new);
    }
  }

  /** Declares no HARD_SIGMOID but computes it anyway instead of refusing the spec. */
  static final class UnrefusedCapabilityKit extends SelfTestKit {
    @Override
    protected BackendProvider provider() {
      EnumSet<Capability> caps = EnumSet.allOf(Capability.class);
      caps.remove(Capability.HARD_SIGMOID);
      return new WrappingProvider("unrefused-capability", caps, false, ForwardingForecaster::new);
    }
  }
}
