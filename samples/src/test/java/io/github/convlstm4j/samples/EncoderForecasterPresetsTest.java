package io.github.convlstm4j.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.ModelSpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The shi2015 and openstl-convlstm-s presets and the CPU encoder–forecaster of the demo. */
class EncoderForecasterPresetsTest {

  @Test
  @DisplayName("shi2015 is Table 1's (5x5)-5x5-128-5x5-64-5x5-64: 7,585,296 parameters, 10 -> 10")
  void shi2015() {
    ModelSpec s = Preset.SHI2015.spec();
    assertEquals(7_585_296L, s.parameterCount()); // Table 1 of Shi et al. 2015
    assertEquals(10, s.encoderForecaster().orElseThrow().horizon());
    assertEquals(3, s.convLstmLayers().size());
    assertTrue(Preset.SHI2015.movingMnistOnly());
  }

  @Test
  @DisplayName("openstl-convlstm-s is the stacked 4 x 128 model over 4x4 patches: 11,677,712 parameters")
  void openStl() {
    // Hand count in PaperCellsTest.openStlConvLstmS.
    assertEquals(11_677_712L, Preset.OPENSTL_CONVLSTM_S.spec().parameterCount());
    assertTrue(Preset.OPENSTL_CONVLSTM_S.spec().encoderForecaster().isEmpty());
  }

  @Test
  @DisplayName("the CPU encoder-forecaster: 241,552 parameters")
  void cpuModel() {
    // Encoder: 3·3·16·128 + 3·3·32·128 + 128 + 3·32 = 55,520 and 2·(3·3·32·128) + 128 + 96 =
    // 73,952; forecaster: 36,864 + 128 + 96 = 37,088 (no input kernel) and 73,952; output
    // 64·16 + 16 = 1,040 -> 241,552.
    assertEquals(241_552L, DemoModels.mnistEncoderForecaster().parameterCount());
  }

  @Test
  @DisplayName("--model and the Moving MNIST presets are refused where they do not apply (exit 2)")
  void refusals() {
    Cli bad = Cli.run("demo", "--model", "seq2seq");
    assertEquals(2, bad.exitCode(), bad.err());
    assertTrue(bad.err().contains("stacked or encoder-forecaster"), bad.err());
    Cli squares = Cli.run("demo", "--model", "encoder-forecaster");
    assertEquals(2, squares.exitCode(), squares.err());
    assertTrue(squares.err().contains("needs --dataset moving-mnist"), squares.err());
    Cli preset = Cli.run("demo", "--preset", "shi2015");
    assertEquals(2, preset.exitCode(), preset.err());
    Cli train = Cli.run("train", "--preset", "openstl-convlstm-s");
    assertEquals(2, train.exitCode(), train.err());
    assertTrue(train.err().contains("moving-mnist"), train.err());
    Cli resize = Cli.run("demo", "--dataset", "moving-mnist", "--digits", "x", "--preset",
        "shi2015", "--filters", "8");
    assertEquals(2, resize.exitCode(), resize.err());
  }
}
