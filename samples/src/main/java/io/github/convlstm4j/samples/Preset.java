package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.data.MovingSquares;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.TrainingConfig;
import java.util.Locale;

/** Named training setups for the moving-squares experiment. */
enum Preset {

  /**
   * The default: small enough to train on two CPU cores in a few minutes. It differs from the
   * seed on purpose: 2 × 16 filters instead of 4 × 40 (about 1/14 of the compute per step), a
   * CAUSAL Conv3D head (no output sees a later input, so what it learns is a real one-step
   * forecast and rollouts stay stable), sigmoid gates, Adam 3e-3 instead of Adadelta (Adadelta
   * needs hundreds of epochs), 500 movies and 4 epochs of batch 8 (236 updates), and
   * batch-norm statistics re-estimated after training (momentum 0.99 needs hundreds of steps
   * to settle; this run has fewer).
   */
  CPU("cpu", Descriptions.CPU, 500, 0) {
    @Override
    ModelSpec spec() {
      return DemoModels.cpu();
    }

    @Override
    TrainingConfig training() {
      return new TrainingConfig(4, 8, 0.05, Loss.BINARY_CROSSENTROPY,
          OptimizerSpec.adam().withLearningRate(3e-3), 0L, true, true);
    }
  },

  /**
   * The seed, exactly: 1,200 movies generated, movies 0–999 for training with validation split
   * 0.05, 4 × 40 filters with batch norm, Conv3D SAME head, hard-sigmoid gates (Keras 2),
   * 300 epochs, batch 10, Adadelta, binary cross-entropy. A GPU job.
   */
  KERAS("keras", Descriptions.KERAS, 1000, 1200) {
    @Override
    ModelSpec spec() {
      return MovingSquares.kerasModel();
    }

    @Override
    TrainingConfig training() {
      return TrainingConfig.kerasMovingSquares();
    }
  },

  /**
   * Shi et al. 2015's best Moving MNIST model ({@link DemoModels#shi2015()}) with the paper's
   * training (§4.1): RMSProp, learning rate 1e-3, decay 0.9, cross-entropy, 10 → 10. Batch 16
   * and 100 epochs over 10,000 generated movies are our choice (the paper stops early on a
   * validation set). A GPU job; for {@code demo --dataset moving-mnist} only.
   */
  SHI2015("shi2015", Descriptions.SHI2015, 10_000, 0) {
    @Override
    ModelSpec spec() {
      return DemoModels.shi2015();
    }

    @Override
    TrainingConfig training() {
      return new TrainingConfig(100, 16, 0.05, Loss.BINARY_CROSSENTROPY,
          OptimizerSpec.rmsprop().withLearningRate(1e-3), 0L, true, false);
    }

    @Override
    boolean movingMnistOnly() {
      return true;
    }
  },

  /**
   * OpenSTL's ConvLSTM-S ({@link DemoModels#openStlConvLstmS()}) trained on next-frame pairs:
   * Adam lr 1e-3, MSE, batch 16, 200 epochs over 10,000 movies (OpenSTL's own run adds a
   * OneCycle schedule, which this preset leaves out). OpenSTL reports MSE 29.80 per frame and
   * SSIM 0.9288 after 200 epochs. A GPU job, not run here; for
   * {@code demo --dataset moving-mnist} only.
   */
  OPENSTL_CONVLSTM_S("openstl-convlstm-s", Descriptions.OPENSTL, 10_000, 0) {
    @Override
    ModelSpec spec() {
      return DemoModels.openStlConvLstmS();
    }

    @Override
    TrainingConfig training() {
      return new TrainingConfig(200, 16, 0.05, Loss.MSE, OptimizerSpec.adam(), 0L, true, false);
    }

    @Override
    boolean movingMnistOnly() {
      return true;
    }
  };

  /** Whether the preset is for {@code --dataset moving-mnist} only (64×64 frames in patches). */
  boolean movingMnistOnly() {
    return false;
  }

  private final String label;
  private final String description;
  private final int samples;
  private final int generated;

  Preset(String label, String description, int samples, int generated) {
    this.label = label;
    this.description = description;
    this.samples = samples;
    this.generated = generated;
  }

  /** The model. */
  abstract ModelSpec spec();

  /** The training settings (epochs, batch, split, loss, optimizer, recalibration). */
  abstract TrainingConfig training();

  /** Movies trained on (including the validation part): {@code [0, samples)}. */
  int samples() {
    return samples;
  }

  /** At least this many movies are generated (the seed draws 1,200), 0 for "as needed". */
  int generated() {
    return generated;
  }

  /** One-paragraph description for help texts and metrics.json. */
  String description() {
    return description;
  }

  /** The name used on the command line. */
  String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }

  /** Parses a command-line name, case-insensitive. */
  static Preset parse(String name) {
    for (Preset p : values()) {
      if (p.label.equals(name.toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException("preset must be " + NAMES + ", got '" + name + "'");
  }

  /** The presets' names, for messages. */
  static final String NAMES = "cpu, keras, shi2015 or openstl-convlstm-s";

  /** The presets' descriptions, as constants for help texts. */
  static final class Descriptions {
    static final String CPU =
        "CPU demo (default): 2x16 filters + batch norm, CAUSAL Conv3D head, sigmoid gates, "
          + "Adam lr 3e-3, BCE, batch 8, 500 training movies (split 0.05), 4 epochs, batch-norm "
          + "statistics re-estimated over the training movies after training. Differs from the "
          + "seed (4x40 filters, SAME head, Adadelta, 300 epochs: days on 2 CPU cores) so that "
          + "it finishes in under 10 minutes on 2 CPU cores with the reference backend.";
    static final String KERAS =
        "The Keras seed exactly: 1,200 movies (train on 0-999, split 0.05), 4x40 filters + batch "
          + "norm, Conv3D SAME head, hard-sigmoid gates, 300 epochs, batch 10, Adadelta, BCE. "
          + "A GPU job: days on 2 CPU cores (use 'train --resume' to run it in pieces).";

    static final String SHI2015 =
        "Moving MNIST only: Shi et al. 2015's best model (Table 1, (5x5)-5x5-128-5x5-64-5x5-64,"
          + " 7,585,296 parameters), an encoder-forecaster over 4x4 patches, 10 -> 10, "
          + "RMSProp lr 1e-3, BCE, batch 16, 100 epochs over 10,000 movies. A GPU job.";
    static final String OPENSTL =
        "Moving MNIST only: OpenSTL's ConvLSTM-S (4x128 filters, 5x5, 4x4 patches, stacked, "
          + "next-frame pairs), Adam, MSE, batch 16, 200 epochs over 10,000 movies; OpenSTL's "
          + "target: MSE 29.80 per frame, SSIM 0.9288. A GPU job.";

    private Descriptions() {}
  }
}
