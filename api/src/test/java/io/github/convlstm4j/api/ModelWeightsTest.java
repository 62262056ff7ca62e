package io.github.convlstm4j.api;

import io.github.convlstm4j.api.data.MovingSquares;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ModelWeightsTest {

  private static final ModelSpec SMALL = ModelSpec.builder(1)
      .addLayer(ConvLstmLayerSpec.of(2)).addLayer(BatchNormSpec.keras())
      .addLayer(new Conv3dHeadSpec(1, 1, 1, 1, Activation.SIGMOID, TimePadding.SAME))
      .build();

  private static ModelWeights zerosFor(ModelSpec spec) {
    ModelWeights.Builder b = ModelWeights.builder();
    spec.weightShapes().forEach((name, shape) ->
        b.put(name, Tensor.zeros(shape.stream().mapToInt(Integer::intValue).toArray())));
    return b.build();
  }

  @Test
  @DisplayName("weights built from a spec's shapes fit it and keep its order")
  void fits() {
    ModelWeights w = zerosFor(SMALL);
    assertEquals(List.of(), w.problemsAgainst(SMALL));
    assertSame(w, w.requireCompatible(SMALL));
    assertEquals(new ArrayList<>(SMALL.weightShapes().keySet()), new ArrayList<>(w.names()));
    assertEquals(SMALL.parameterCount(), w.parameterCount());
    assertEquals(SMALL.weightShapes().size(), w.size());
  }

  @Test
  @DisplayName("problemsAgainst lists every missing, extra and mis-shaped tensor")
  void problems() {
    Map<String, Tensor> m = new LinkedHashMap<>(zerosFor(SMALL).asMap());
    m.remove("batch_normalization_0/beta");
    m.remove(ModelSpec.HEAD_BIAS);
    m.put("conv_lstm2d_0/kernel", Tensor.zeros(3, 3, 1, 4));
    m.put("extra/one", Tensor.zeros(2));
    ModelWeights w = ModelWeights.of(m);
    List<String> problems = w.problemsAgainst(SMALL);
    assertEquals(List.of(
        "mis-shaped conv_lstm2d_0/kernel: expected [3, 3, 1, 8], got [3, 3, 1, 4]",
        "missing batch_normalization_0/beta [2]",
        "missing conv3d/bias [1]",
        "extra extra/one [2]"), problems);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> w.requireCompatible(SMALL));
    assertTrue(e.getMessage().startsWith("weights do not fit the spec (4 problems): "
        + "mis-shaped conv_lstm2d_0/kernel"), e.getMessage());
  }

  @Test
  @DisplayName("insertion order is kept and is part of equality")
  void ordering() {
    Tensor a = Tensor.of(new int[] {1}, new float[] {1});
    Tensor b = Tensor.of(new int[] {1}, new float[] {2});
    ModelWeights ab = ModelWeights.builder().put("z", a).put("a", b).build();
    ModelWeights ba = ModelWeights.builder().put("a", b).put("z", a).build();
    assertEquals(List.of("z", "a"), new ArrayList<>(ab.names()));
    assertNotEquals(ab, ba);
    assertEquals(ab, ModelWeights.builder().put("z", a).put("a", b).build());
    assertEquals(ab.hashCode(), ModelWeights.builder().put("z", a).put("a", b).build()
        .hashCode());
    assertEquals("ModelWeights[z[1], a[1]]", ab.toString());
    assertEquals("ModelWeights[]", ModelWeights.empty().toString());
  }

  @Test
  @DisplayName("the builder rejects duplicates; get names the missing tensor")
  void builderAndGet() {
    Tensor a = Tensor.zeros(1);
    ModelWeights.Builder b = ModelWeights.builder().put("x", a);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> b.put("x", a));
    assertEquals("duplicate tensor name 'x'", e.getMessage());
    ModelWeights w = b.build();
    assertSame(a, w.get("x"));
    assertTrue(w.contains("x"));
    e = assertThrows(IllegalArgumentException.class, () -> w.get("y"));
    assertEquals("no tensor named 'y'; present: [x]", e.getMessage());
    assertThrows(UnsupportedOperationException.class, () -> w.asMap().remove("x"));
  }

  @Test
  @DisplayName("requireFinite names the tensor and index; maxAbsDifference compares values")
  void finiteAndDifference() {
    ModelWeights ok = ModelWeights.builder()
        .put("a", Tensor.of(new int[] {2}, new float[] {1, 2})).build();
    ModelWeights bad = ModelWeights.builder()
        .put("a", Tensor.of(new int[] {2}, new float[] {1, Float.POSITIVE_INFINITY})).build();
    assertSame(ok, ok.requireFinite());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, bad::requireFinite);
    assertEquals("weights must be finite, got Infinity in a at flat index 1", e.getMessage());
    ModelWeights other = ModelWeights.builder()
        .put("a", Tensor.of(new int[] {2}, new float[] {1.5f, 1})).build();
    assertEquals(1.0, ok.maxAbsDifference(other));
    ModelWeights renamed = ModelWeights.builder().put("b", Tensor.zeros(2)).build();
    assertThrows(IllegalArgumentException.class, () -> ok.maxAbsDifference(renamed));
    ModelWeights reshaped = ModelWeights.builder().put("a", Tensor.zeros(1, 2)).build();
    e = assertThrows(IllegalArgumentException.class, () -> ok.maxAbsDifference(reshaped));
    assertEquals("shape of a must be [2], got [1, 2]", e.getMessage());
  }

  @Test
  @DisplayName("Tensor copies in and out, checks lengths and compares exactly")
  void tensor() {
    float[] data = {1, 2, 3, 4, 5, 6};
    int[] shape = {2, 3};
    Tensor t = Tensor.of(shape, data);
    data[0] = 9;
    shape[0] = 7;
    assertArrayEquals(new int[] {2, 3}, t.shape());
    assertEquals(1f, t.get(0));
    t.toArray()[1] = 9;
    t.shape()[1] = 9;
    assertEquals(2f, t.get(1));
    assertEquals(List.of(2, 3), t.shapeList());
    assertEquals(2, t.rank());
    assertEquals(6, t.size());
    assertEquals(1, Tensor.zeros().size(), "a scalar");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.of(new int[] {2, 2}, new float[3]));
    assertEquals("data length must be 4 for shape [2, 2], got 3", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
    assertEquals("shape sizes must be >= 0, got -1 at axis 1 of [2, -1]", e.getMessage());
    assertEquals(Tensor.of(List.of(2, 3), new float[] {1, 2, 3, 4, 5, 6}), t);
    assertNotEquals(Tensor.of(new int[] {3, 2}, new float[] {1, 2, 3, 4, 5, 6}), t);
    assertNotEquals(Tensor.of(new int[] {1}, new float[] {-0f}),
        Tensor.of(new int[] {1}, new float[] {0f}));
    float[] dest = new float[7];
    t.copyTo(dest, 1);
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6}, dest);
  }

  @Test
  @DisplayName("a checkpoint checks its weights against its spec")
  void checkpoint() {
    ModelWeights w = zerosFor(SMALL);
    Checkpoint c = new Checkpoint(SMALL, w, ModelWeights.empty(), 3);
    assertEquals(3, c.epochsCompleted());
    assertThrows(IllegalArgumentException.class,
        () -> new Checkpoint(MovingSquares.kerasModel(), w, ModelWeights.empty(), 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Checkpoint(SMALL, w, ModelWeights.empty(), -1));
    assertEquals("epochsCompleted must be >= 0, got -1", e.getMessage());
  }
}
