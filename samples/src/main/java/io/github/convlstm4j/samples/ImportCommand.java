package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.LayerSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.SequenceShape;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.keras.ImportedModel;
import io.github.convlstm4j.keras.KerasModelFile;
import io.github.convlstm4j.keras.KerasImport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code convlstm4j import MODEL --out model.npz}: reads a Keras {@code .h5}/{@code .keras}
 * model, prints a Keras-style summary and what the translation dropped, and writes a
 * checkpoint that {@code forecast} and {@code evaluate} read.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
    header = "Convert a Keras .h5 or .keras model into a convlstm4j checkpoint.",
    description = {"Read a Keras 2 / tf.keras HDF5 model or a Keras 3 .keras archive (the format "
        + "is detected from the content, not the name), print its layers with output shapes "
        + "and parameter counts, and write it as a checkpoint (.npz).",
        "forecast and evaluate also read Keras files directly (--checkpoint model.h5)."},
    footer = {"", "Example: convlstm4j import model.h5 --out model.npz"})
final class ImportCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL", description = "The Keras model file.")
  Path model;

  @Option(names = "--out", paramLabel = "FILE",
      description = "The checkpoint to write (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("model.npz");

  @Option(names = "--verbose", description = "Debug logging, and stack traces for errors.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    CommonOptions.requireFile(model, "Keras model");
    OutputPaths.checkFile("--out", out, false);
    KerasModelFile file = KerasModelFile.read(model);
    ImportedModel m = KerasImport.translate(file);
    Checkpoints.write(new Checkpoint(m.spec(), m.weights(), ModelWeights.empty(), 0), out);
    PrintWriter w = spec.commandLine().getOut();
    w.printf("Model: %s from %s (Keras %s, %s)%n", file.modelClassName(), model,
        file.kerasVersion(), file.format() == io.github.convlstm4j.keras.KerasFormat.KERAS_ZIP
            ? ".keras archive" : "HDF5 model");
    summary(m.spec(), w);
    if (!m.notes().isEmpty()) {
      w.println("Notes:");
      m.notes().forEach(n -> w.println("  - " + n));
    }
    w.println("Wrote " + out);
    w.flush();
    return 0;
  }

  /** Keras' {@code model.summary()}: layer, output shape (batch first), parameters. */
  static void summary(ModelSpec spec, PrintWriter w) {
    String rule = "_".repeat(72);
    String line = "%-32s %-26s %12s%n";
    w.println(rule);
    w.printf(line, "Layer (type)", "Output Shape", "Param #");
    w.println("=".repeat(72));
    Map<String, List<Integer>> shapes = spec.weightShapes();
    SequenceShape s = spec.inputShape().orElse(null);
    int channels = spec.inputChannels();
    boolean oneFrame = false;
    Map<String, Integer> kinds = new java.util.HashMap<>();
    int convBefore = 0;
    for (int i = 0; i < spec.layers().size(); i++) {
      LayerSpec l = spec.layers().get(i);
      LayerSpec.Position at = new LayerSpec.Position(i, convBefore,
          kinds.getOrDefault(l.kind(), 0), i == 0 ? "" : spec.layers().get(i - 1).kind());
      kinds.merge(l.kind(), 1, Integer::sum);
      if (l instanceof io.github.convlstm4j.api.ConvLstmLayerSpec) {
        convBefore++;
      }
      String name = spec.layerName(i);
      long params = 0;
      for (Map.Entry<String, List<Integer>> e : shapes.entrySet()) {
        if (e.getKey().startsWith(name + "/")) {
          params += e.getValue().stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b);
        }
      }
      String shape;
      if (s != null) {
        s = l.outputShape(s, at);
        shape = "(None, " + s.frames() + ", " + s.frame().height() + ", " + s.frame().width()
            + ", " + s.frame().channels() + ")";
      } else {
        channels = l.outputChannels(channels);
        if (l instanceof io.github.convlstm4j.api.ConvLstmLayerSpec
            && !((io.github.convlstm4j.api.ConvLstmLayerSpec) l).returnSequences()) {
          oneFrame = true;
        }
        shape = "(None, " + (oneFrame ? "1" : "None") + ", None, None, " + channels + ")";
      }
      w.printf(line, name + " (" + l.kind() + ")", shape, String.format("%,d", params));
    }
    w.println("=".repeat(72));
    w.printf("Total params: %,d%n", spec.parameterCount());
    w.println(rule);
  }
}
