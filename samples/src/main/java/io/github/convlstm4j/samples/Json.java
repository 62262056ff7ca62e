package io.github.convlstm4j.samples;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A tiny JSON writer for metrics.json (objects are ordered maps, arrays are lists or double
 * arrays; non-finite numbers become {@code null}). Avoids a JSON dependency.
 */
final class Json {

  private Json() {}

  /** Renders a value with two-space indentation. */
  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.append('\n').toString();
  }

  private static void write(StringBuilder sb, Object v, int indent) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String) {
      string(sb, (String) v);
    } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
      sb.append(v);
    } else if (v instanceof Number) {
      number(sb, ((Number) v).doubleValue());
    } else if (v instanceof double[]) {
      double[] a = (double[]) v;
      List<Object> l = new ArrayList<>(a.length);
      for (double d : a) {
        l.add(d);
      }
      inlineArray(sb, l);
    } else if (v instanceof int[]) {
      int[] a = (int[]) v;
      List<Object> l = new ArrayList<>(a.length);
      for (int d : a) {
        l.add(d);
      }
      inlineArray(sb, l);
    } else if (v instanceof List) {
      List<?> l = (List<?>) v;
      boolean flat = l.stream().allMatch(e -> e == null || e instanceof Number
          || e instanceof Boolean || e instanceof String);
      if (flat) {
        inlineArray(sb, l);
        return;
      }
      sb.append("[\n");
      for (int i = 0; i < l.size(); i++) {
        pad(sb, indent + 1);
        write(sb, l.get(i), indent + 1);
        sb.append(i + 1 < l.size() ? ",\n" : "\n");
      }
      pad(sb, indent);
      sb.append(']');
    } else if (v instanceof Map) {
      Map<?, ?> m = (Map<?, ?>) v;
      if (m.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        pad(sb, indent + 1);
        string(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        write(sb, e.getValue(), indent + 1);
        sb.append(++i < m.size() ? ",\n" : "\n");
      }
      pad(sb, indent);
      sb.append('}');
    } else {
      string(sb, v.toString());
    }
  }

  private static void inlineArray(StringBuilder sb, List<?> l) {
    sb.append('[');
    for (int i = 0; i < l.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      write(sb, l.get(i), 0);
    }
    sb.append(']');
  }

  private static void number(StringBuilder sb, double d) {
    if (!Double.isFinite(d)) {
      sb.append("null");
    } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      sb.append((long) d);
    } else {
      // Six significant digits; BigDecimal's text (e.g. 1.2345E-7) is valid JSON.
      sb.append(new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros().toString());
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }

  private static void pad(StringBuilder sb, int indent) {
    for (int i = 0; i < indent; i++) {
      sb.append("  ");
    }
  }
}
