package io.github.convlstm4j.bench;

import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.data.MovingSquares;
import io.github.convlstm4j.samples.DemoModels;
import io.github.convlstm4j.api.TimePadding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The models the bench runs, with their batch and input shape. */
enum BenchModel {

  /** The Keras seed: 4 × ConvLSTM2D(40, 3×3) + batch norm, Conv3D head; batch 10, 15 × 40². */
  SEED("seed", "4x ConvLSTM2D(40, 3x3, hard-sigmoid gates) + BatchNorm, Conv3D(1, 3x3x3, SAME)",
      10, 15, 40, 40) {
    @Override
    ModelSpec spec() {
      return MovingSquares.kerasModel();
    }
  },

  /** The CPU demo preset: 2 × ConvLSTM2D(16, 3×3) + batch norm, causal Conv3D head. */
  CPU("cpu", "2x ConvLSTM2D(16, 3x3, sigmoid gates) + BatchNorm, Conv3D(1, 3x3x3, CAUSAL)",
      10, 15, 40, 40) {
    @Override
    ModelSpec spec() {
      return DemoModels.cpu();
    }
  },

  /** A tiny model for CI: proves the bench runs, measures nothing of interest. */
  TINY("tiny", "2x ConvLSTM2D(4, 3x3, hard-sigmoid gates) + BatchNorm, Conv3D(1, 3x3x3, SAME)",
      2, 4, 8, 8) {
    @Override
    ModelSpec spec() {
      ModelSpec.Builder b = ModelSpec.builder(1);
      for (int i = 0; i < 2; i++) {
        b.addLayer(ConvLstmLayerSpec.of(4).withRecurrentActivation(Activation.HARD_SIGMOID)
            ).addLayer(BatchNormSpec.keras());
      }
      return b.addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME))
          .build();
    }
  };

  private final String label;
  private final String description;
  private final int batch;
  private final int frames;
  private final int height;
  private final int width;

  BenchModel(String label, String description, int batch, int frames, int height, int width) {
    this.label = label;
    this.description = description;
    this.batch = batch;
    this.frames = frames;
    this.height = height;
    this.width = width;
  }

  /** The model. */
  abstract ModelSpec spec();

  /** Name on the command line and in reports. */
  String label() {
    return label;
  }

  /** The architecture in one line. */
  String description() {
    return description;
  }

  /** Sequences per batch. */
  int batch() {
    return batch;
  }

  /** Frames per sequence. */
  int frames() {
    return frames;
  }

  /** The input frame shape. */
  FrameShape frameShape() {
    return new FrameShape(height, width, spec().inputChannels());
  }

  /** The shape in one line, e.g. "batch 10, 15 frames, 40x40x1". */
  String shapeDescription() {
    return String.format(Locale.ROOT, "batch %d, %d frames, %dx%dx%d", batch, frames, height,
        width, spec().inputChannels());
  }

  /**
   * Arguments of {@code bench/python/convlstm_bench.py} for the same model and shapes.
   *
   * @throws IllegalStateException if the spec uses something the peer script cannot express
   */
  List<String> pythonArguments() {
    ModelSpec s = spec();
    ConvLstmLayerSpec first = s.convLstmLayers().get(0);
    for (int i = 0; i < s.convLstmLayers().size(); i++) {
      ConvLstmLayerSpec l = s.convLstmLayers().get(i);
      if (l.filters() != first.filters() || l.kernelHeight() != l.kernelWidth()
          || l.kernelHeight() != first.kernelHeight()
          || l.recurrentActivation() != first.recurrentActivation()
          || s.batchNormAfter(i).isPresent() != s.batchNormAfter(0).isPresent()
          || !l.returnSequences()) {
        throw new IllegalStateException("the Python peer needs identical square-kernel layers "
            + "returning sequences, got " + s.layers());
      }
    }
    Conv3dHeadSpec head = s.head().orElseThrow(
        () -> new IllegalStateException("the Python peer needs a Conv3D head, got none"));
    List<String> a = new ArrayList<>(List.of(
        "--layers", Integer.toString(s.convLstmLayers().size()),
        "--filters", Integer.toString(first.filters()),
        "--kernel", Integer.toString(first.kernelHeight()),
        "--channels", Integer.toString(s.inputChannels()),
        "--height", Integer.toString(height),
        "--width", Integer.toString(width),
        "--frames", Integer.toString(frames),
        "--batch", Integer.toString(batch),
        "--batch-norm", s.batchNormAfter(0).isPresent() ? "on" : "off",
        "--gates", first.recurrentActivation() == Activation.HARD_SIGMOID ? "hard_sigmoid"
            : "sigmoid",
        "--head-filters", Integer.toString(head.filters()),
        "--head-kernel", Integer.toString(head.kernelHeight()),
        "--head-time-padding", head.timePadding() == TimePadding.CAUSAL ? "causal" : "same"));
    return a;
  }

  /** Parses a label, case-insensitive. */
  static BenchModel parse(String name) {
    for (BenchModel m : values()) {
      if (m.label.equals(name.toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    throw new IllegalArgumentException("model must be seed, cpu or tiny, got '" + name + "'");
  }
}
