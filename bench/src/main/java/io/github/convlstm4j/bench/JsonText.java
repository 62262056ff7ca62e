package io.github.convlstm4j.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small JSON reader and writer for the bench's child-process protocol and its report file.
 * Objects become {@link LinkedHashMap}s (insertion order kept), arrays {@link List}s, numbers
 * {@link Double}s; non-finite numbers are written as {@code null}.
 */
final class JsonText {

  private final String text;
  private int pos;

  private JsonText(String text) {
    this.text = text;
  }

  /**
   * Parses one JSON value.
   *
   * @throws IllegalArgumentException on malformed input, naming the position
   */
  static Object parse(String text) {
    JsonText p = new JsonText(text);
    p.skipSpace();
    Object v = p.value();
    p.skipSpace();
    if (p.pos != text.length()) {
      throw p.error("end of input");
    }
    return v;
  }

  /** Parses a JSON object. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("expected a JSON object, got " + describe(v));
    }
    return (Map<String, Object>) v;
  }

  /** Renders a value (maps, lists, strings, numbers, booleans, null) with 2-space indentation. */
  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.append('\n').toString();
  }

  /** Renders a value on one line. */
  static String writeCompact(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, -1);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v, int indent) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String) {
      string(sb, (String) v);
    } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
      sb.append(v);
    } else if (v instanceof Number) {
      double d = ((Number) v).doubleValue();
      sb.append(Double.isFinite(d) ? number(d) : "null");
    } else if (v instanceof double[]) {
      List<Object> l = new ArrayList<>();
      for (double d : (double[]) v) {
        l.add(d);
      }
      write(sb, l, -1);
    } else if (v instanceof Map) {
      Map<?, ?> m = (Map<?, ?>) v;
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(first ? "" : ",");
        first = false;
        newline(sb, indent < 0 ? -1 : indent + 1);
        string(sb, String.valueOf(e.getKey()));
        sb.append(indent < 0 ? ":" : ": ");
        write(sb, e.getValue(), indent < 0 ? -1 : indent + 1);
      }
      if (!m.isEmpty()) {
        newline(sb, indent);
      }
      sb.append('}');
    } else if (v instanceof List) {
      List<?> l = (List<?>) v;
      boolean flat = l.stream().noneMatch(e -> e instanceof Map || e instanceof List);
      int inner = flat || indent < 0 ? -1 : indent + 1;
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        sb.append(i == 0 ? "" : flat ? ", " : ",");
        newline(sb, inner);
        write(sb, l.get(i), inner);
      }
      if (!l.isEmpty()) {
        newline(sb, inner < 0 ? -1 : indent);
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
    }
  }

  private static void newline(StringBuilder sb, int indent) {
    if (indent >= 0) {
      sb.append('\n').append("  ".repeat(indent));
    }
  }

  private static String number(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return String.format(Locale.ROOT, "%.6g", d).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2")
        .replace(".e", "e").replaceAll("\\.$", "");
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  // ------------------------------------------------------------------ parsing

  private Object value() {
    if (pos >= text.length()) {
      throw error("a value");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return stringValue();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return numberValue();
        }
        if (text.startsWith("NaN", pos)) {
          pos += 3;
          return Double.NaN;
        }
        if (text.startsWith("Infinity", pos)) {
          pos += 8;
          return Double.POSITIVE_INFINITY;
        }
        throw error("a value");
    }
  }

  private Map<String, Object> object() {
    Map<String, Object> m = new LinkedHashMap<>();
    pos++;
    skipSpace();
    if (peek('}')) {
      pos++;
      return m;
    }
    while (true) {
      skipSpace();
      if (!peek('"')) {
        throw error("a string key");
      }
      String key = stringValue();
      skipSpace();
      expect(':');
      skipSpace();
      m.put(key, value());
      skipSpace();
      if (peek(',')) {
        pos++;
      } else {
        expect('}');
        return m;
      }
    }
  }

  private List<Object> array() {
    List<Object> l = new ArrayList<>();
    pos++;
    skipSpace();
    if (peek(']')) {
      pos++;
      return l;
    }
    while (true) {
      skipSpace();
      l.add(value());
      skipSpace();
      if (peek(',')) {
        pos++;
      } else {
        expect(']');
        return l;
      }
    }
  }

  private String stringValue() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return sb.toString();
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (pos >= text.length()) {
        break;
      }
      char e = text.charAt(pos++);
      switch (e) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw error("four hex digits");
          }
          sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          pos += 4;
        }
        default -> sb.append(e);
      }
    }
    throw error("a closing quote");
  }

  private Double numberValue() {
    int start = pos;
    while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
    try {
      return Double.parseDouble(text.substring(start, pos));
    } catch (NumberFormatException e) {
      pos = start;
      throw error("a number");
    }
  }

  private Object literal(String word, Object v) {
    if (!text.startsWith(word, pos)) {
      throw error(word);
    }
    pos += word.length();
    return v;
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error("'" + c + "'");
    }
    pos++;
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private IllegalArgumentException error(String expected) {
    String near = text.substring(pos, Math.min(text.length(), pos + 20));
    return new IllegalArgumentException("malformed JSON: expected " + expected + " at offset "
        + pos + ", got '" + near + "'");
  }

  private static String describe(Object v) {
    return v == null ? "null" : v.getClass().getSimpleName();
  }

  // ------------------------------------------------------------------ typed access

  /** A number field, NaN when absent or null. */
  static double number(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
  }

  /** A string field, or {@code fallback}. */
  static String string(Map<String, Object> m, String key, String fallback) {
    Object v = m.get(key);
    return v == null ? fallback : String.valueOf(v);
  }

  /** A nested object, or an empty map. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Map ? (Map<String, Object>) v : new LinkedHashMap<>();
  }
}
