package io.github.convlstm4j.keras;

/**
 * A Keras layer, or an option of one, that the library does not support, so the model is
 * refused rather than approximated. The message names the layer, its class and the option,
 * for example {@code layer 'max_pooling3d' (MaxPooling3D) is not supported}.
 */
public class UnsupportedKerasLayerException extends KerasFormatException {
  private static final long serialVersionUID = 1L;

  /** The layer's name in the Keras model. */
  private final String layerName;
  /** The layer's Keras class, for example {@code ConvLSTM2D}. */
  private final String className;
  /** The refused option, or null when the layer class itself is not supported. */
  private final String option;

  /**
   * A refusal.
   *
   * @param source the file (for the message), may be null
   * @param layerName the layer's name
   * @param className the layer's Keras class
   * @param option the refused option, or null if the class itself is not supported
   * @param detail what was found and what is supported, may be null
   */
  public UnsupportedKerasLayerException(String source, String layerName, String className,
      String option, String detail) {
    super((source == null ? "" : source + ": ") + "layer '" + layerName + "' (" + className
        + ") " + (option == null ? "is not supported" : "option " + option + " is not supported")
        + (detail == null ? "" : ": " + detail));
    this.layerName = layerName;
    this.className = className;
    this.option = option;
  }

  /**
   * The refused layer's name.
   *
   * @return the name, as in the Keras model
   */
  public String layerName() {
    return layerName;
  }

  /**
   * The refused layer's Keras class.
   *
   * @return for example {@code MaxPooling3D}
   */
  public String className() {
    return className;
  }

  /**
   * The refused option.
   *
   * @return the option's name, or null when the layer class itself is not supported
   */
  public String option() {
    return option;
  }
}
