package io.github.convlstm4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The schedules' rates at chosen steps against their closed forms, written here from the
 * PyTorch documentation (OneCycleLR: two cosine phases between max/div, max and
 * max/div/final_div; CosineAnnealingLR: η_min + (η_max - η_min)(1 + cos(π t/T_max))/2), plus
 * values worked out by hand.
 */
class LearningRateScheduleTest {

  @Test
  @DisplayName("one-cycle defaults: pct_start 0.3, div_factor 25, final_div_factor 1e4")
  void oneCycleDefaults() {
    LearningRateSchedule.OneCycle s = LearningRateSchedule.oneCycle(0.01, 100);
    assertEquals(new LearningRateSchedule.OneCycle(0.01, 100, 0.3, 25.0, 1e4), s);
    assertEquals(100, s.totalSteps());
  }

  @Test
  @DisplayName("one-cycle, max 1, 100 steps: starts at 1/25, peaks at step 29 (0.3·100 - 1), "
      + "ends at 1/25/1e4 at step 99")
  void oneCycleByHand() {
    LearningRateSchedule s = LearningRateSchedule.oneCycle(1.0, 100);
    double initial = 0.04;
    double min = 4e-6;
    assertEquals(initial, s.learningRate(123.0, 0), 1e-15, "step 0, base ignored");
    assertEquals(1.0, s.learningRate(0.5, 29), 1e-15, "peak");
    assertEquals(min, s.learningRate(0.5, 99), 1e-15, "last step");
    // Falling phase from step 29 to 99 (70 steps): its middle, step 64, is half-way in cosine
    // terms too: cos(π/2) = 0 gives (max + min)/2.
    assertEquals((1.0 + min) / 2, s.learningRate(0.5, 64), 1e-12);
    // Rising phase 0..29: at step 29/3 = 9.67 no integer; step 10: pct = 10/29.
    double pct = 10.0 / 29.0;
    assertEquals(1.0 + (initial - 1.0) / 2 * (1 + Math.cos(Math.PI * pct)),
        s.learningRate(0.5, 10), 1e-12);
    // Monotone: rises to step 29, falls after.
    for (int t = 1; t < 100; t++) {
      double a = s.learningRate(1, t - 1);
      double b = s.learningRate(1, t);
      assertTrue(t <= 29 ? b > a : b < a, "step " + t + ": " + a + " -> " + b);
    }
  }

  @Test
  @DisplayName("one-cycle matches an independent transcription of OneCycleLR.get_lr at every "
      + "step of odd lengths")
  void oneCycleAgainstPyTorchTranscription() {
    for (int total : new int[] {1, 2, 3, 7, 10, 33}) {
      LearningRateSchedule s = new LearningRateSchedule.OneCycle(0.2, total, 0.25, 10, 100);
      for (int t = 0; t < total; t++) {
        assertEquals(pyTorchOneCycle(0.2, total, 0.25, 10, 100, t), s.learningRate(1, t), 1e-15,
            "total " + total + ", step " + t);
      }
    }
  }

  /**
   * torch.optim.lr_scheduler.OneCycleLR.get_lr (three_phase=False, anneal 'cos') transcribed:
   * phases end at float(pct·total) - 1 and total - 1; the last phase takes every later step.
   * PyTorch divides by a zero-length phase; here such a phase gives its end value.
   */
  private static double pyTorchOneCycle(double maxLr, int total, double pctStart, double div,
      double finalDiv, int stepNum) {
    double initial = maxLr / div;
    double min = initial / finalDiv;
    double[][] phases = {{pctStart * total - 1, initial, maxLr}, {total - 1, maxLr, min}};
    double start = 0;
    for (int i = 0; i < phases.length; i++) {
      double end = phases[i][0];
      if (stepNum <= end || i == phases.length - 1) {
        double p = end - start == 0 ? 1.0 : (stepNum - start) / (end - start);
        double cosOut = Math.cos(Math.PI * p) + 1;
        return phases[i][2] + (phases[i][1] - phases[i][2]) / 2.0 * cosOut;
      }
      start = end;
    }
    throw new AssertionError();
  }

  @Test
  @DisplayName("cosine, T_max 10, base 0.1: 0.1 at step 0, 0.05 at step 5, "
      + "0.05·(1 + cos(π/5)) at step 2")
  void cosineByHand() {
    LearningRateSchedule s = LearningRateSchedule.cosine(10);
    assertEquals(0.1, s.learningRate(0.1, 0), 1e-15);
    assertEquals(0.05, s.learningRate(0.1, 5), 1e-15);
    assertEquals(0.0904508497, s.learningRate(0.1, 2), 1e-10); // cos(36°) = 0.809016994
    LearningRateSchedule m = new LearningRateSchedule.Cosine(4, 0.01);
    // η_min + (η_max - η_min)(1 + cos(π·3/4))/2 = 0.01 + 0.09·(1 - 0.70710678)/2
    assertEquals(0.01 + 0.09 * (1 - Math.sqrt(0.5)) / 2, m.learningRate(0.1, 3), 1e-15);
  }

  @Test
  @DisplayName("constant: the base rate at every step, unbounded")
  void constant() {
    LearningRateSchedule s = LearningRateSchedule.constant();
    assertEquals(0.3, s.learningRate(0.3, 0));
    assertEquals(0.3, s.learningRate(0.3, Long.MAX_VALUE));
    assertEquals(0, s.totalSteps());
  }

  @Test
  @DisplayName("bad settings and steps outside the schedule are refused naming expected and "
      + "actual")
  void refusals() {
    List<String> messages = new ArrayList<>();
    messages.add(message(() -> LearningRateSchedule.oneCycle(Double.NaN, 10)));
    messages.add(message(() -> LearningRateSchedule.oneCycle(0.1, 0)));
    messages.add(message(() -> LearningRateSchedule.cosine(0)));
    messages.add(message(() -> new LearningRateSchedule.OneCycle(0.1, 10, 1.0, 25, 1e4)));
    messages.add(message(() -> new LearningRateSchedule.OneCycle(0.1, 10, 0.3, 0, 1e4)));
    messages.add(message(() -> new LearningRateSchedule.Cosine(10, -1)));
    messages.add(message(() -> LearningRateSchedule.cosine(10).learningRate(0.1, 10)));
    messages.add(message(() -> LearningRateSchedule.oneCycle(0.1, 5).learningRate(0.1, -1)));
    assertEquals(List.of(
        "maxLearningRate must be positive and finite, got NaN",
        "a one-cycle schedule needs its total number of optimizer steps (epochs x batches per "
            + "epoch, see TrainingConfig.totalSteps): totalSteps must be at least 1, got 0",
        "a cosine schedule needs its total number of optimizer steps (epochs x batches per "
            + "epoch, see TrainingConfig.totalSteps): totalSteps must be at least 1, got 0",
        "pctStart must be in (0, 1), got 1.0",
        "divFactor must be positive and finite, got 0.0",
        "minLearningRate must be finite and at least 0, got -1.0",
        "the cosine schedule covers steps 0 to 9, got step 10",
        "the one-cycle schedule covers steps 0 to 4, got step -1"), messages);
  }

  private static String message(Executable e) {
    return assertThrows(IllegalArgumentException.class, e).getMessage();
  }
}
