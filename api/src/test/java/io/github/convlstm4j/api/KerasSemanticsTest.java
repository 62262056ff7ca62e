package io.github.convlstm4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Activations, paddings and training records: small Keras rules written down in the api. */
class KerasSemanticsTest {

  @Test
  @DisplayName("activations follow their closed forms; hard sigmoid is clip(0.2x + 0.5, 0, 1)")
  void activations() {
    assertEquals(Math.tanh(0.3), Activation.TANH.apply(0.3));
    assertEquals(0.5, Activation.SIGMOID.apply(0));
    assertEquals(1 / (1 + Math.exp(-2)), Activation.SIGMOID.apply(2), 1e-15);
    assertEquals(0.5, Activation.HARD_SIGMOID.apply(0));
    assertEquals(0.7, Activation.HARD_SIGMOID.apply(1), 1e-15);
    assertEquals(1.0, Activation.HARD_SIGMOID.apply(2.5));
    assertEquals(1.0, Activation.HARD_SIGMOID.apply(7));
    assertEquals(0.0, Activation.HARD_SIGMOID.apply(-2.5));
    assertEquals(0.0, Activation.RELU.apply(-1));
    assertEquals(3.0, Activation.RELU.apply(3));
    assertEquals(-4.0, Activation.LINEAR.apply(-4));
  }

  @Test
  @DisplayName("SAME padding puts total/2 before and the rest after (even kernels pad more after)")
  void padding() {
    assertEquals(1, Padding.SAME.before(3));
    assertEquals(1, Padding.SAME.after(3));
    assertEquals(0, Padding.SAME.before(2));
    assertEquals(1, Padding.SAME.after(2));
    assertEquals(1, Padding.SAME.before(4));
    assertEquals(2, Padding.SAME.after(4));
    assertEquals(40, Padding.SAME.outputSize(40, 4));
    assertEquals(0, Padding.VALID.before(3));
    assertEquals(0, Padding.VALID.after(3));
    assertEquals(37, Padding.VALID.outputSize(40, 4));
  }

  @Test
  @DisplayName("time padding: SAME is centred like Keras, CAUSAL pads only before")
  void timePadding() {
    assertEquals(1, TimePadding.SAME.before(3));
    assertEquals(1, TimePadding.SAME.after(3));
    assertEquals(2, TimePadding.CAUSAL.before(3));
    assertEquals(0, TimePadding.CAUSAL.after(3));
    assertEquals(0, TimePadding.SAME.before(2));
    assertEquals(1, TimePadding.SAME.after(2));
  }

  @Test
  @DisplayName("training history reports the last epoch and NaN when empty")
  void history() {
    TrainingHistory empty = new TrainingHistory(List.of());
    assertTrue(Double.isNaN(empty.finalLoss()));
    assertTrue(Double.isNaN(empty.finalValidationLoss()));
    EpochEvent e1 = new EpochEvent(0, 1, 0.8, 0.7, Duration.ofSeconds(1));
    EpochEvent e2 = new EpochEvent(1, 1, 0.5, Double.NaN, Duration.ofSeconds(2));
    TrainingHistory h = new TrainingHistory(List.of(e1, e2));
    assertEquals(0.5, h.finalLoss());
    assertTrue(e1.hasValidation());
    assertTrue(!e2.hasValidation());
    assertEquals(2, h.epochs().size());
  }
}
