package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.SequenceShape;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingData;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.api.data.FrameWindows;
import io.github.convlstm4j.api.data.Normalization;
import io.github.convlstm4j.api.io.MappedFrames;
import io.github.convlstm4j.api.io.NpyFrames;
import io.github.convlstm4j.api.io.NpyStreamWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training from a memory-mapped file through {@link FrameWindows} gives the same bits as
 * training on the same pairs in the heap: the in-heap pairs are cut in the test itself, by
 * slicing the series in memory (an independent implementation of the window rule).
 */
class TrainingFromDiskTest {
  @TempDir Path dir;

  static final int T = 24;
  static final int L = 4;
  static final int STRIDE = 2;

  static ModelSpec spec() {
    return ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(3))
        .addLayer(BatchNormSpec.keras())
        .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL))
        .seed(5)
        .build();
  }

  static FrameSequence series() {
    Random r = new Random(21);
    float[] d = new float[T * 6 * 6];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) (3 * r.nextDouble());
    }
    return FrameSequence.of(T, 6, 6, 1, d);
  }

  Path writeSeries(FrameSequence s) throws Exception {
    Path p = dir.resolve("series.npy");
    float[] frame = new float[36];
    try (NpyStreamWriter w = NpyStreamWriter.create(p, T, 6, 6, 1)) {
      for (int t = 0; t < T; t++) {
        s.frame(t).copyTo(frame, 0);
        w.write(frame, 0, frame.length);
      }
      w.commit();
    }
    return p;
  }

  /** Keras pairs of the series, starts 0, STRIDE, ... while start + L + 1 <= T, normalized. */
  static SequenceDataset inHeap(FrameSequence s, Normalization n) {
    List<FrameSequence> in = new ArrayList<>();
    List<FrameSequence> out = new ArrayList<>();
    for (int t = 0; t + L + 1 <= T; t += STRIDE) {
      in.add(n.apply(s.slice(t, t + L)));
      out.add(n.apply(s.slice(t + 1, t + L + 1)));
    }
    return SequenceDataset.of(in, out);
  }

  static void assertSameBits(ModelWeights a, ModelWeights b) {
    assertEquals(a.asMap().keySet(), b.asMap().keySet());
    a.asMap().forEach((name, t) ->
        assertArrayEquals(t.toArray(), b.get(name).toArray(), name + " differs"));
  }

  @Test
  void fileAndHeapTrainToIdenticalWeights() throws Exception {
    FrameSequence s = series();
    Path p = writeSeries(s);
    TrainingConfig config = TrainingConfig.defaults().withEpochs(2).withBatchSize(3)
        .withValidationSplit(0).withSeed(9).withLoss(Loss.MSE);
    try (MappedFrames frames = MappedFrames.open(p, NpyFrames.Layout.THWC)) {
      FrameWindows windows = FrameWindows.of(frames, FrameWindows.Spec.next(L, STRIDE));
      Normalization n = windows.fitNormalization(Normalization.Method.MINMAX, true);
      windows = windows.withNormalization(n);
      SequenceDataset heap = inHeap(s, n);
      assertEquals(heap.size(), windows.size());
      TrainingHistory fromFile;
      TrainingHistory fromHeap;
      ModelWeights fileWeights;
      ModelWeights heapWeights;
      double fileLoss;
      double heapLoss;
      try (ReferenceForecaster f = TestSupport.forecaster(spec())) {
        fromFile = f.fit(windows, config, TrainingListener.NONE);
        fileWeights = f.weights();
        fileLoss = f.evaluate(windows, Loss.MSE);
      }
      try (ReferenceForecaster f = TestSupport.forecaster(spec())) {
        fromHeap = f.fit(heap, config, TrainingListener.NONE);
        heapWeights = f.weights();
        heapLoss = f.evaluate(heap, Loss.MSE);
      }
      assertSameBits(heapWeights, fileWeights);
      assertEquals(fromHeap.epochs().get(1).loss(), fromFile.epochs().get(1).loss(), 0);
      assertEquals(heapLoss, fileLoss, 0);
    }
  }

  @Test
  void windowsValidateOnTheLaterPart() throws Exception {
    Path p = writeSeries(series());
    try (MappedFrames frames = MappedFrames.open(p, NpyFrames.Layout.THWC);
        ReferenceForecaster f = TestSupport.forecaster(spec())) {
      FrameWindows windows = FrameWindows.of(frames, FrameWindows.Spec.next(L, STRIDE));
      // Cut at round(24 · 0.75) = 18: training starts 0..12 (12 + 5 <= 18), validation start
      // 18 only (18 + 5 <= 24); the windows at 14 and 16 straddle the cut and are dropped.
      TrainingData.Split split = windows.split(0.25);
      assertEquals(7, split.training().size());
      assertEquals(1, split.validation().size());
      List<Integer> batches = new ArrayList<>();
      TrainingHistory h = f.fit(windows, TrainingConfig.defaults().withEpochs(1)
          .withBatchSize(4).withValidationSplit(0.25).withLoss(Loss.MSE),
          new TrainingListener() {
            @Override
            public void onBatch(io.github.convlstm4j.api.BatchEvent event) {
              batches.add(event.batchesPerEpoch());
            }
          });
      assertEquals(List.of(2, 2), batches, "7 training windows in batches of 4");
      assertTrue(Double.isFinite(h.epochs().get(0).validationLoss()));
    }
  }

  @Test
  void aPackingFailureStopsTrainingAndItsThread() {
    SequenceDataset heap = inHeap(series(), Normalization.NONE);
    IllegalStateException broken = new IllegalStateException("disk gone");
    TrainingData failing = new TrainingData() {
      private int calls;

      @Override
      public int size() {
        return heap.size();
      }

      @Override
      public SequenceShape inputShape() {
        return heap.inputShape();
      }

      @Override
      public SequenceShape targetShape() {
        return heap.targetShape();
      }

      @Override
      public void packBatch(int[] order, int from, int count, float[] inputs, float[] targets) {
        if (++calls == 3) {
          throw broken;
        }
        heap.packBatch(order, from, count, inputs, targets);
      }

      @Override
      public Split split(double fraction) {
        TrainingData self = this;
        return new Split() {
          @Override
          public TrainingData training() {
            return self;
          }

          @Override
          public TrainingData validation() {
            return SequenceDataset.of(List.of());
          }
        };
      }
    };
    List<Integer> batchesSeen = new ArrayList<>();
    try (ReferenceForecaster f = TestSupport.forecaster(spec())) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> f.fit(failing, TrainingConfig.defaults().withEpochs(1).withBatchSize(2)
              .withLoss(Loss.MSE), new TrainingListener() {
                @Override
                public void onBatch(io.github.convlstm4j.api.BatchEvent event) {
                  batchesSeen.add(event.batch());
                }
              }));
      assertSame(broken, e);
      assertEquals(List.of(1, 2), batchesSeen, "batches before the failing one trained");
      assertFalse(prefetchThreadAlive(), "the packing thread has ended");
      // The forecaster stays usable.
      assertTrue(Double.isFinite(f.evaluate(heap, Loss.MSE)));
    }
  }

  @Test
  void aListenerThatThrowsEndsThePackingThread() {
    SequenceDataset heap = inHeap(series(), Normalization.NONE);
    try (ReferenceForecaster f = TestSupport.forecaster(spec())) {
      RuntimeException stop = new RuntimeException("stop");
      RuntimeException e = assertThrows(RuntimeException.class,
          () -> f.fit(heap, TrainingConfig.defaults().withEpochs(1).withBatchSize(1)
              .withValidationSplit(0).withLoss(Loss.MSE), new TrainingListener() {
                @Override
                public void onBatch(io.github.convlstm4j.api.BatchEvent event) {
                  throw stop;
                }
              }));
      assertSame(stop, e);
      assertFalse(prefetchThreadAlive(), "the packing thread has ended");
    }
  }

  static boolean prefetchThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("convlstm4j-prefetch-") && t.isAlive());
  }
}
