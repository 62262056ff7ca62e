package io.github.convlstm4j.spi;

import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.LayerSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.SequenceShape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a backend runs a model with frame-wise layers ({@link ModelSpec#frameLayers()}) for
 * inference and training, worked out once for every backend: a chain of stages in layer order.
 * Each ConvLSTM layer, with the batch normalization right after it and a Conv3D head that follows,
 * is a {@link Recurrent} stage: a one-layer model the backend runs with its ConvLSTM kernels,
 * whose weights are the model's own under other names. Every other layer is a {@link Frame}
 * stage the backend runs with its frame-wise kernel.
 */
public final class LayerChainPlan {
  private LayerChainPlan() {}

  /** One stage of the chain. */
  public sealed interface Stage permits Recurrent, Frame {}

  /**
   * A ConvLSTM layer (and the layers that go with it) as a model of its own.
   *
   * @param spec the one-ConvLSTM-layer model, its input channels those reaching the layer
   * @param weightNames for each weight name of {@code spec}, the model's name for it
   */
  public record Recurrent(ModelSpec spec, Map<String, String> weightNames) implements Stage {
    /** Copies the map. */
    public Recurrent {
      weightNames = Collections.unmodifiableMap(new LinkedHashMap<>(weightNames));
    }
  }

  /**
   * A frame-wise layer.
   *
   * @param layer the layer
   * @param name its name in the model ({@link ModelSpec#layerName}), the prefix of its weights
   */
  public record Frame(LayerSpec layer, String name) implements Stage {}

  /**
   * The stages of a model.
   *
   * @param spec the model
   * @return the stages, in layer order, unmodifiable
   */
  public static List<Stage> of(ModelSpec spec) {
    List<LayerSpec> layers = spec.layers();
    List<SequenceShape> shapes = spec.inputShape().map(spec::layerOutputShapes).orElse(null);
    List<Stage> stages = new ArrayList<>();
    int channels = spec.inputChannels();
    int i = 0;
    while (i < layers.size()) {
      LayerSpec l = layers.get(i);
      int end = i + 1;
      if (l instanceof ConvLstmLayerSpec) {
        ModelSpec.Builder b = ModelSpec.builder(channels).addLayer(l);
        while (end < layers.size() && (layers.get(end) instanceof BatchNormSpec
            && end == i + 1 || layers.get(end) instanceof Conv3dHeadSpec)) {
          b.addLayer(layers.get(end));
          end++;
        }
        ModelSpec sub = b.build();
        Map<String, String> names = new LinkedHashMap<>();
        for (int j = 0; j < sub.layers().size(); j++) {
          String from = sub.layerName(j);
          String to = spec.layerName(i + j);
          for (String name : sub.layers().get(j).weightShapes(from, channels).keySet()) {
            names.put(name, to + name.substring(from.length()));
          }
        }
        stages.add(new Recurrent(sub, names));
      } else {
        stages.add(new Frame(l, spec.layerName(i)));
      }
      for (int j = i; j < end; j++) {
        // a flatten needs the fixed input shape (ModelSpec enforces it), the rest the channels
        channels = shapes != null ? shapes.get(j).frame().channels()
            : layers.get(j).outputChannels(channels);
      }
      i = end;
    }
    return Collections.unmodifiableList(stages);
  }
}
