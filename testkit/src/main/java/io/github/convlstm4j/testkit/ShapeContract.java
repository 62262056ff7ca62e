package io.github.convlstm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static io.github.convlstm4j.testkit.KitSupport.dynamicTest;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.TimePadding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Shapes: output shapes by hand, forecast horizon, batched equals single. */
abstract class ShapeContract extends Contract {

  /** One row of the shape table; the expected shape is worked out by hand. */
  private record Row(String name, ModelSpec spec, int frames, FrameShape input, String expected) {}

  private static ModelSpec one(ConvLstmLayerSpec l, int cin) {
    return ModelSpec.builder(cin).addLayer(l).seed(11).build();
  }

  private static List<Row> table() {
    ConvLstmLayerSpec l3 = ConvLstmLayerSpec.of(3);
    ConvLstmLayerSpec l2 = ConvLstmLayerSpec.of(2);
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("SAME 3x3, 3 filters", one(l3, 1), 4, FrameShape.of(6, 5, 1), "4x6x5x3"));
    rows.add(new Row("SAME 2x2 (even), 2 input channels", one(l2.withKernel(2, 2), 2), 3,
        FrameShape.of(5, 4, 2), "3x5x4x2"));
    rows.add(new Row("SAME 1x3 (1 row)", one(l2.withKernel(1, 3), 1), 2,
        FrameShape.of(3, 4, 1), "2x3x4x2"));
    rows.add(new Row("VALID 3x3 shrinks by 2", one(l2.withPadding(Padding.VALID), 1), 2,
        FrameShape.of(6, 5, 1), "2x4x3x2"));
    rows.add(new Row("VALID 2x3 (even) shrinks by 1 and 2",
        one(ConvLstmLayerSpec.of(1).withKernel(2, 3).withPadding(Padding.VALID), 1), 3,
        FrameShape.of(5, 5, 1), "3x4x3x1"));
    rows.add(new Row("VALID 4x4 on a 4x4 frame leaves 1x1",
        one(l2.withKernel(4, 4).withPadding(Padding.VALID), 1), 2, FrameShape.of(4, 4, 1),
        "2x1x1x2"));
    rows.add(new Row("return sequences off gives one frame", one(l2.withReturnSequences(false), 1),
        4, FrameShape.of(5, 5, 1), "1x5x5x2"));
    rows.add(new Row("VALID 3x3 then SAME 1x1 with 4 filters",
        ModelSpec.builder(1).addLayer(l2.withPadding(Padding.VALID))
            .addLayer(ConvLstmLayerSpec.of(4).withKernel(1, 1)).seed(11).build(),
        3, FrameShape.of(7, 6, 1), "3x5x4x4"));
    rows.add(new Row("Conv3D head SAME 3x3x3 with 2 filters",
        ModelSpec.builder(1).addLayer(l2)
            .addLayer(new Conv3dHeadSpec(2, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME)).seed(11)
            .build(), 4, FrameShape.of(5, 5, 1), "4x5x5x2"));
    rows.add(new Row("Conv3D head CAUSAL 2x2x2 (even)",
        ModelSpec.builder(1).addLayer(l2)
            .addLayer(new Conv3dHeadSpec(1, 2, 2, 2, Activation.LINEAR, TimePadding.CAUSAL))
            .seed(11).build(), 3, FrameShape.of(4, 5, 1), "3x4x5x1"));
    rows.add(new Row("return sequences off then a Conv3D head",
        ModelSpec.builder(1).addLayer(l2.withReturnSequences(false))
            .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME)).seed(11)
            .build(), 3, FrameShape.of(5, 5, 1), "1x5x5x1"));
    return rows;
  }

  @TestFactory
  @DisplayName("predict returns the documented output shape")
  List<DynamicTest> outputShapes() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Row row : table()) {
      tests.add(dynamicTest(row.name() + ": input " + row.frames() + "x" + row.input() + " -> "
          + row.expected(), () -> {
            FrameSequence in = RandomCase.randomSequence(row.frames(), row.input(), 12);
            try (Forecaster f = kit().create(row.spec())) {
              FrameSequence out = f.predict(in);
              assertEquals(row.expected(), out.shapeString(), "output shape of " + row.name());
            }
          }));
    }
    return tests;
  }

  @TestFactory
  @DisplayName("forecast returns exactly horizon frames of the input frame shape")
  List<DynamicTest> forecastHorizon() {
    List<DynamicTest> tests = new ArrayList<>();
    for (int h : new int[] {1, 2, 5}) {
      tests.add(dynamicTest("horizon " + h + " after a 3x5x4x1 context", () -> {
        ModelSpec spec = one(ConvLstmLayerSpec.of(1), 1);
        FrameSequence context = RandomCase.randomSequence(3, FrameShape.of(5, 4, 1), 13);
        try (Forecaster f = kit().create(spec)) {
          FrameSequence out = f.forecast(context, h);
          assertEquals(h + "x5x4x1", out.shapeString(), "forecast(context, " + h + ") shape");
        }
      }));
    }
    return tests;
  }

  @TestFactory
  @DisplayName("batched predict equals predict on each sequence, in order")
  List<DynamicTest> batchedEqualsSingle() {
    List<DynamicTest> tests = new ArrayList<>();
    for (long seed : kit().seeds()) {
      RandomCase c = RandomCase.of(seed, kit().declared());
      tests.add(dynamicTest(c.describe(), () -> {
        List<FrameSequence> inputs = List.of(c.randomInput(1), c.randomInput(2),
            c.randomInput(3));
        try (Forecaster f = kit().create(c.spec(), c.randomWeights(1))) {
          List<FrameSequence> batched = f.predict(inputs);
          assertEquals(inputs.size(), batched.size(), "number of batched outputs");
          for (int i = 0; i < inputs.size(); i++) {
            kit().assertForwardClose(f.predict(inputs.get(i)), batched.get(i),
                "batched output " + i + " against predict of input " + i);
          }
          List<FrameSequence> single = f.predict(List.of(inputs.get(1)));
          assertEquals(1, single.size(), "a batch of one gives one output");
          kit().assertForwardClose(f.predict(inputs.get(1)), single.get(0), "batch of one");
        }
      }));
    }
    return tests;
  }
}
