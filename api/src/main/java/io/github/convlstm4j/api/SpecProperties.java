package io.github.convlstm4j.api;

import java.util.Arrays;
import java.util.Properties;

/** Typed reads of spec properties with messages naming the key and the bad value. */
final class SpecProperties {

  private SpecProperties() {}

  static String string(Properties p, String k) {
    String v = p.getProperty(k);
    if (v == null) {
      throw new IllegalArgumentException("spec property '" + k + "' is missing");
    }
    return v.trim();
  }

  static int integer(Properties p, String k) {
    String v = string(p, k);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "spec property '" + k + "' must be an integer, got '" + v + "'", e);
    }
  }

  static long longInteger(Properties p, String k) {
    String v = string(p, k);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "spec property '" + k + "' must be an integer, got '" + v + "'", e);
    }
  }

  static double number(Properties p, String k) {
    String v = string(p, k);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "spec property '" + k + "' must be a number, got '" + v + "'", e);
    }
  }

  static boolean bool(Properties p, String k) {
    String v = string(p, k);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(
          "spec property '" + k + "' must be true or false, got '" + v + "'");
    }
    return Boolean.parseBoolean(v);
  }

  static <E extends Enum<E>> E enumeration(Properties p, String k, Class<E> type) {
    String v = string(p, k);
    try {
      return Enum.valueOf(type, v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("spec property '" + k + "' must be one of "
          + Arrays.toString(type.getEnumConstants()) + ", got '" + v + "'", e);
    }
  }
}
