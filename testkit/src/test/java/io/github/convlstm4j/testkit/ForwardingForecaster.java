package io.github.convlstm4j.testkit;

import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingData;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A forecaster that forwards every call; broken backends override one thing. */
class ForwardingForecaster implements Forecaster {

  final Forecaster delegate;
  private final String name;

  ForwardingForecaster(Forecaster delegate, String name) {
    this.delegate = delegate;
    this.name = name;
  }

  @Override
  public String backendName() {
    delegate.backendName();
    return name;
  }

  @Override
  public Map<String, String> runtimeInfo() {
    return delegate.runtimeInfo();
  }

  @Override
  public io.github.convlstm4j.api.ForecastSession openSession(int streams) {
    return delegate.openSession(streams);
  }

  @Override
  public io.github.convlstm4j.api.ForecastSession openSession(
      io.github.convlstm4j.api.SessionState state) {
    return delegate.openSession(state);
  }

  @Override
  public ModelSpec spec() {
    return delegate.spec();
  }

  @Override
  public FrameSequence predict(FrameSequence input) {
    return delegate.predict(input);
  }

  @Override
  public List<FrameSequence> predict(List<FrameSequence> inputs) {
    return delegate.predict(inputs);
  }

  @Override
  public FrameSequence forecast(FrameSequence context, int horizon) {
    return delegate.forecast(context, horizon);
  }

  @Override
  public TrainingHistory fit(TrainingData data, TrainingConfig config,
      TrainingListener listener) {
    return delegate.fit(data, config, listener);
  }

  @Override
  public double evaluate(TrainingData data, Loss loss) {
    return delegate.evaluate(data, loss);
  }

  @Override
  public ModelWeights weights() {
    return delegate.weights();
  }

  @Override
  public void setWeights(ModelWeights weights) {
    delegate.setWeights(weights);
  }

  @Override
  public Checkpoint checkpoint() {
    return delegate.checkpoint();
  }

  @Override
  public void restore(Checkpoint checkpoint) {
    delegate.restore(checkpoint);
  }

  @Override
  public void save(Path path) throws IOException {
    delegate.save(path);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
