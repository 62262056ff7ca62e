package io.github.convlstm4j.samples;

import io.github.convlstm4j.samples.images.ColorMap;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code viridis} / {@code gray}. */
final class ColorMapConverter implements ITypeConverter<ColorMap> {
  @Override
  public ColorMap convert(String value) {
    String v = value.toUpperCase(Locale.ROOT);
    if (v.equals("GREY")) {
      v = "GRAY";
    }
    try {
      return ColorMap.valueOf(v);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("must be viridis or gray, got '" + value + "'");
    }
  }
}
