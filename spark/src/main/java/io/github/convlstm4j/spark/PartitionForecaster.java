package io.github.convlstm4j.spark;

import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.ForecastSession;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.spark.FrameCodec.BadRowException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;

/**
 * The work of {@link ForecastTransformer} on one partition: reads {@code batchSize} rows at a
 * time, decodes them, forecasts the good ones as one batch per sequence shape on the JVM's
 * shared forecaster, and returns every input row, in order, with the forecast columns added (a
 * null forecast and the reason for a bad row). Lazy: a partition is never held whole.
 */
final class PartitionForecaster implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** Everything a task needs, fixed on the driver. */
  record Settings(ForecasterCache.Key key, String checkpointPath,
      Broadcast<byte[]> checkpointBytes, boolean binaryInput, int inputIndex, int shapeIndex,
      String inputCol, int contextFrames, int horizon, int batchSize, StructType outputSchema)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    Settings {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(checkpointPath, "checkpointPath");
      Objects.requireNonNull(outputSchema, "outputSchema");
    }

    Checkpoint loadCheckpoint() {
      return checkpointBytes != null
          ? ForecasterCache.fromBytes(checkpointBytes.value(), checkpointPath)
          : ForecasterCache.fromPath(checkpointPath);
    }
  }

  private final Settings settings;

  PartitionForecaster(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    return new Iterator<>() {
      private Iterator<Row> batch = List.<Row>of().iterator();

      @Override
      public boolean hasNext() {
        while (!batch.hasNext() && input.hasNext()) {
          List<Row> rows = new ArrayList<>(settings.batchSize());
          while (rows.size() < settings.batchSize() && input.hasNext()) {
            rows.add(input.next());
          }
          batch = process(rows).iterator();
        }
        return batch.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException("no more rows in this partition");
        }
        return batch.next();
      }
    };
  }

  /** The output rows of one batch, in input order. */
  List<Row> process(List<Row> rows) {
    int n = rows.size();
    FrameSequence[] contexts = new FrameSequence[n];
    FrameSequence[] forecasts = new FrameSequence[n];
    String[] errors = new String[n];
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      try {
        contexts[i] = context(rows.get(i));
        groups.computeIfAbsent(contexts[i].shapeString(), k -> new ArrayList<>()).add(i);
      } catch (BadRowException | RuntimeException e) {
        errors[i] = e.getMessage();
      }
    }
    if (!groups.isEmpty()) {
      Supplier<Checkpoint> source = settings::loadCheckpoint;
      ForecasterCache.Entry entry = ForecasterCache.get(settings.key(), source);
      entry.lock().lock();
      try {
        for (List<Integer> group : groups.values()) {
          forecastGroup(entry.forecaster(), group, contexts, forecasts, errors);
        }
      } finally {
        entry.lock().unlock();
      }
    }
    List<Row> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(withForecast(rows.get(i), forecasts[i], errors[i]));
    }
    return out;
  }

  private FrameSequence context(Row row) throws BadRowException {
    String source = "column " + settings.inputCol();
    FrameSequence s;
    if (settings.binaryInput()) {
      if (row.isNullAt(settings.inputIndex())) {
        throw new BadRowException(source + ": expected .npy bytes, got null");
      }
      s = FrameCodec.fromNpy((byte[]) row.get(settings.inputIndex()), source);
    } else {
      s = FrameCodec.fromArrays(row, settings.inputIndex(), settings.shapeIndex(), source);
    }
    int c = settings.contextFrames();
    if (c > 0) {
      if (s.frames() < c) {
        throw new BadRowException(source + ": contextFrames is " + c
            + ", expected a sequence of at least " + c + " frames, got " + s.shapeString());
      }
      s = s.slice(0, c);
    }
    return s;
  }

  /** One batch through a session; if the batch is refused, each row alone, to name the bad one. */
  private void forecastGroup(Forecaster f, List<Integer> group, FrameSequence[] contexts,
      FrameSequence[] forecasts, String[] errors) {
    List<FrameSequence> batch = new ArrayList<>(group.size());
    for (int i : group) {
      batch.add(contexts[i]);
    }
    try (ForecastSession session = f.openSession(batch.size())) {
      session.pushAll(batch);
      List<FrameSequence> outs = session.forecast(settings.horizon());
      for (int j = 0; j < group.size(); j++) {
        forecasts[group.get(j)] = outs.get(j);
      }
      return;
    } catch (IllegalArgumentException e) {
      // Shapes the model refuses: every row of the group gets the model's reason below.
    }
    for (int i : group) {
      try {
        forecasts[i] = f.forecast(contexts[i], settings.horizon());
      } catch (IllegalArgumentException e) {
        errors[i] = "the model refuses this sequence: " + e.getMessage();
      }
    }
  }

  private Row withForecast(Row row, FrameSequence forecast, String error) {
    int width = row.length();
    Object[] values = new Object[width + (settings.binaryInput() ? 2 : 3)];
    for (int i = 0; i < width; i++) {
      values[i] = row.get(i);
    }
    if (settings.binaryInput()) {
      values[width] = forecast == null ? null : FrameCodec.toNpy(forecast);
      values[width + 1] = error;
    } else {
      values[width] = forecast == null ? null : FrameCodec.values(forecast);
      values[width + 1] = forecast == null ? null : FrameCodec.shape(forecast);
      values[width + 2] = error;
    }
    // With its schema, so that a following map can read fields by name (Spark may hand these
    // objects on without encoding them).
    return new GenericRowWithSchema(values, settings.outputSchema());
  }
}
