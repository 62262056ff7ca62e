package io.github.convlstm4j.djl;

import java.util.Locale;

/**
 * How a ConvLSTM layer's input-to-state convolution {@code W * X_t} is scheduled relative to the
 * recurrent convolution {@code U * H_{t-1}}. All forms compute the same sums; they differ in how
 * many engine calls they make and how much memory they stream. Chosen with the backend setting
 * {@code djl.inputConvolution}.
 *
 * <p>Measured on this project's 2-core AVX2 machine, batch 10 x 15 frames of 40x40, alternating
 * child JVMs (docs/PERFORMANCE.md, "Hoisting the input convolution"): on PyTorch 2.7.1
 * {@link #CONCATENATED} is the fastest (seed forward 2.95 s, training step 9.9 s), then
 * {@link #PER_STEP} (3.19 s, 11.5 s), and {@link #HOISTED} is the slowest (4.01 s, 12.7 s): its
 * 154 MB pre-activation tensor per layer is fresh memory on every call, and fresh pages are
 * expensive on this VM. Later runs with the folded hard sigmoid put {@link #PER_STEP} level with
 * or ahead of {@link #CONCATENATED} in the forward pass (seed 2.79 vs 3.14 s in one bench run,
 * within its noise) while {@link #CONCATENATED} kept the faster seed training step (9.3 vs
 * 10.5 s). On MXNet 1.9 {@link #PER_STEP} was the fastest (seed forward ~6.0 s vs 7.6 s hoisted
 * and ~9.7 s concatenated). Defaults ({@link DjlEngineKind#defaultInputConvolution()}): PyTorch
 * {@link #CONCATENATED}, MXNet {@link #PER_STEP}.
 */
enum InputConvolution {
  /**
   * One convolution of all {@code N·T} frames before the time loop; per step, one recurrent
   * convolution and an addition.
   */
  HOISTED,
  /** Per step, one input convolution, one recurrent convolution and an addition (plain form). */
  PER_STEP,
  /**
   * Per step, one convolution of the channel-wise concatenation {@code [X_t, H_{t-1}]} with the
   * joined kernel {@code [W, U]} (what the Python peer does; the first step, with no state yet,
   * convolves {@code X_0} alone). Needs SAME input padding; a VALID layer uses {@link #HOISTED}.
   */
  CONCATENATED;

  /** The setting value, e.g. {@code per-step}. */
  String settingValue() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Parses a setting value.
   *
   * @param value {@code hoisted}, {@code per-step} or {@code concatenated}
   * @param key the setting's key, for the message
   * @return the form
   */
  static InputConvolution parse(String value, String key) {
    for (InputConvolution c : values()) {
      if (c.settingValue().equals(value)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        key + " must be hoisted, per-step or concatenated, got '" + value + "'");
  }
}
