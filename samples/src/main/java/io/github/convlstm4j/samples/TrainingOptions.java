package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.DepthToSpaceSpec;
import io.github.convlstm4j.api.LayerSpec;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.OptimizerType;
import io.github.convlstm4j.api.SpaceToDepthSpec;
import io.github.convlstm4j.api.TrainingConfig;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Preset and overrides for everything that trains ({@code demo}, {@code train}). */
final class TrainingOptions {

  /** The largest --patch. */
  static final int MAX_PATCH = 16;

  @Option(names = "--preset", paramLabel = "NAME", converter = PresetConverter.class,
      description = "cpu (default): a small model that trains in minutes on a CPU; "
          + "keras: the exact seed settings (a GPU job).")
  Preset preset = Preset.CPU;

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: the preset's).")
  Integer epochs;

  @Option(names = "--samples", paramLabel = "N",
      description = "Movies to train on, incl. the validation part: movies 0..N-1 "
          + "(default: the preset's).")
  Integer samples;

  @Option(names = "--frames", paramLabel = "N",
      description = "Frames per movie (default: ${DEFAULT-VALUE}, like the seed).")
  int frames = 15;

  @Option(names = "--batch-size", paramLabel = "N",
      description = "Samples per batch (default: the preset's).")
  Integer batchSize;

  @Option(names = "--seed", paramLabel = "S",
      description = "Seed of the movies, the initial weights and the shuffling "
          + "(default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--optimizer", paramLabel = "NAME", converter = OptimizerConverter.class,
      description = "adam, adadelta, rmsprop or sgd, with Keras 2 defaults, or adamw with "
          + "PyTorch's (default: the preset's).")
  OptimizerType optimizer;

  @Option(names = "--lr", paramLabel = "X", description = "Learning rate (default: the "
      + "optimizer's Keras default, or the preset's).")
  Double learningRate;

  @Option(names = "--loss", paramLabel = "NAME", converter = LossConverter.class,
      description = "bce or mse (default: the preset's, bce).")
  Loss loss;

  @Option(names = "--validation-split", paramLabel = "F",
      description = "Fraction of the training movies held out at the end for validation "
          + "(default: the preset's, 0.05).")
  Double validationSplit;

  @Option(names = "--filters", paramLabel = "F",
      description = "Filters per ConvLSTM layer (default: the preset's).")
  Integer filters;

  @Option(names = "--layers", paramLabel = "L",
      description = "Number of ConvLSTM layers, at most " + Limits.MAX_LAYERS
          + " (default: the preset's).")
  Integer layers;

  @Option(names = "--patch", paramLabel = "P",
      description = "Fold every PxP patch of a frame into the channels before the ConvLSTM "
          + "layers and unfold the forecast after the head (OpenSTL's patches: 64x64x1 frames "
          + "with P 4 become 16x16x16; the head then has P*P times the channels). Default: 1, "
          + "no patches; at most " + TrainingOptions.MAX_PATCH + ".")
  Integer patch;

  @Option(names = "--recalibrate-bn", negatable = true,
      description = "Re-estimate batch-norm statistics over the training movies after "
          + "training (default: on for cpu, off for keras).")
  Boolean recalibrate;

  /**
   * The model: the preset's, resized by {@code --filters} / {@code --layers}, wrapped in
   * space-to-depth / depth-to-space patches by {@code --patch}, seeded.
   */
  ModelSpec spec() {
    ModelSpec resized = resized();
    int p = patch == null ? 1 : Limits.atMost("--patch", positive("--patch", patch), MAX_PATCH);
    if (p == 1) {
      return resized;
    }
    if (resized.inputPatches().isPresent() || resized.outputPatches().isPresent()) {
      throw new UsageException("--patch: the preset " + preset.label() + " has patches "
          + "already");
    }
    Conv3dHeadSpec head = resized.head().orElseThrow(() -> new UsageException("--patch needs "
        + "a model with a Conv3D head, got preset " + preset.label()));
    int channels = resized.inputChannels();
    ModelSpec.Builder b = ModelSpec.builder(channels).seed(seed)
        .addLayer(new SpaceToDepthSpec(p));
    for (LayerSpec l : resized.layers()) {
      b.addLayer(l instanceof Conv3dHeadSpec ? new Conv3dHeadSpec(p * p * head.filters(), head.kernelTime(),
          head.kernelHeight(), head.kernelWidth(), head.activation(), head.timePadding()) : l);
    }
    return b.addLayer(new DepthToSpaceSpec(p)).build();
  }

  private ModelSpec resized() {
    ModelSpec base = preset.spec();
    if (filters == null && layers == null) {
      return base.withSeed(seed);
    }
    if (base.encoderForecaster().isPresent() || base.inputPatches().isPresent()) {
      throw new UsageException("--filters and --layers resize the cpu and keras presets, got "
          + "them with --preset " + preset.label());
    }
    int f = filters != null ? positive("--filters", filters) : base.convLstmLayers().get(0).filters();
    int n = layers != null ? Limits.atMost("--layers", layers, Limits.MAX_LAYERS)
        : base.convLstmLayers().size();
    ConvLstmLayerSpec template = base.convLstmLayers().get(0);
    // The largest weight tensor, kernel [kh, kw, C_in, 4F] or recurrent kernel [kh, kw, F, 4F],
    // is one float array: it must exist before anything is built from it.
    long channelsIn = Math.max(base.inputChannels(), f);
    Limits.requireArray(String.format(Locale.ROOT, "with --filters %d, one layer's %s (%d x %d "
        + "x %d x %d)", f, channelsIn == f ? "recurrent kernel" : "kernel",
        template.kernelHeight(), template.kernelWidth(), channelsIn, 4L * f),
        Limits.product(template.kernelHeight(), template.kernelWidth(), channelsIn, 4L * f));
    ModelSpec.Builder b = ModelSpec.builder(base.inputChannels()).seed(seed);
    for (int i = 0; i < n; i++) {
      b.addLayer(new ConvLstmLayerSpec(f, template.kernelHeight(), template.kernelWidth(),
          template.padding(), template.activation(), template.recurrentActivation(),
          template.useBias(), template.unitForgetBias(), true));
      base.batchNormAfter(0).ifPresent(b::addLayer);
    }
    base.head().ifPresent(b::addLayer);
    return b.build();
  }

  /** The training settings: the preset's with every override applied. */
  TrainingConfig training() {
    TrainingConfig c = preset.training().withSeed(seed);
    if (epochs != null) {
      c = c.withEpochs(positive("--epochs", epochs));
    }
    if (batchSize != null) {
      c = c.withBatchSize(positive("--batch-size", batchSize));
    }
    if (validationSplit != null) {
      if (!(validationSplit >= 0 && validationSplit < 1)) {
        throw new UsageException("--validation-split must be in [0, 1), got "
            + validationSplit);
      }
      c = c.withValidationSplit(validationSplit);
    }
    if (loss != null) {
      c = c.withLoss(loss);
    }
    OptimizerSpec o = optimizer != null ? OptimizerSpec.defaults(optimizer) : c.optimizer();
    if (learningRate != null) {
      if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
        throw new UsageException("--lr must be positive, got " + learningRate);
      }
      o = o.withLearningRate(learningRate);
    }
    c = c.withOptimizer(o);
    if (recalibrate != null) {
      c = c.withRecalibrateBatchNorm(recalibrate);
    }
    return c;
  }

  /** Movies trained on (incl. validation). */
  int trainingMovies() {
    return samples != null ? positive("--samples", samples) : preset.samples();
  }

  /** Frames per movie. */
  int frames() {
    return positive("--frames", frames);
  }

  /**
   * Checks every option before any work: the model, the training settings, the movie and frame
   * counts.
   *
   * @throws UsageException naming the first bad option
   */
  void validate() {
    ModelSpec spec = spec();
    Limits.requireMemoryForOptions("holding the model's weights (" + spec.parameterCount()
        + " parameters)", Limits.product(spec.parameterCount(), Limits.FLOAT));
    training();
    trainingMovies();
    frames();
  }

  /**
   * Fails with a usage error when generating {@code movies} movies of {@link #frames()} frames
   * cannot fit in memory.
   *
   * @param movies how many movies are generated
   * @param why the options that ask for that many, e.g. "--samples 500"
   */
  void requireMemoryForMovies(long movies, String why) {
    Limits.requireMemoryForOptions("generating " + movies + " movies (" + why + ") of "
        + frames() + " frames", Limits.movieBytes(movies, frames()));
  }

  /**
   * {@code value} if it is positive.
   *
   * @throws UsageException naming the option otherwise
   */
  static int positive(String option, int value) {
    if (value <= 0) {
      throw new UsageException(option + " must be positive, got " + value);
    }
    return value;
  }

  /** Parses {@code cpu} / {@code keras}. */
  static final class PresetConverter implements ITypeConverter<Preset> {
    @Override
    public Preset convert(String value) {
      try {
        return Preset.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("must be " + Preset.NAMES + ", got '" + value
            + "'");
      }
    }
  }

  /** Parses an optimizer name. */
  static final class OptimizerConverter implements ITypeConverter<OptimizerType> {
    @Override
    public OptimizerType convert(String value) {
      try {
        return OptimizerType.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "must be adam, adamw, adadelta, rmsprop or sgd, got '" + value + "'");
      }
    }
  }

  /** Parses {@code bce} / {@code mse}. */
  static final class LossConverter implements ITypeConverter<Loss> {
    @Override
    public Loss convert(String value) {
      switch (value.toLowerCase(Locale.ROOT)) {
        case "bce":
        case "binary_crossentropy":
          return Loss.BINARY_CROSSENTROPY;
        case "mse":
          return Loss.MSE;
        default:
          throw new TypeConversionException("must be bce or mse, got '" + value + "'");
      }
    }
  }
}
