package io.github.convlstm4j.testkit;

import io.github.convlstm4j.api.BatchEvent;
import io.github.convlstm4j.api.EpochEvent;
import io.github.convlstm4j.api.TrainingListener;
import java.util.ArrayList;
import java.util.List;

/** Records every training event in arrival order. */
final class RecordingListener implements TrainingListener {

  /** Every event, batches and epochs interleaved as they arrived. */
  final List<Object> events = new ArrayList<>();

  @Override
  public void onBatch(BatchEvent event) {
    events.add(event);
  }

  @Override
  public void onEpoch(EpochEvent event) {
    events.add(event);
  }

  /** The batch events in order. */
  List<BatchEvent> batches() {
    List<BatchEvent> l = new ArrayList<>();
    for (Object o : events) {
      if (o instanceof BatchEvent) {
        l.add((BatchEvent) o);
      }
    }
    return l;
  }

  /** The epoch events in order. */
  List<EpochEvent> epochs() {
    List<EpochEvent> l = new ArrayList<>();
    for (Object o : events) {
      if (o instanceof EpochEvent) {
        l.add((EpochEvent) o);
      }
    }
    return l;
  }
}
