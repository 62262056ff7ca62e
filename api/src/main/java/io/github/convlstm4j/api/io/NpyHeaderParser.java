package io.github.convlstm4j.api.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the Python dict literal of a {@code .npy} header, for example
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (15, 40, 40, 1), }}. Understands
 * strings (single or double quoted), {@code True}/{@code False} and tuples or lists of
 * non-negative integers (with an optional Python 2 {@code L} suffix); anything else is reported
 * with its position.
 */
final class NpyHeaderParser {
  private final String text;
  private int pos;

  private NpyHeaderParser(String text) {
    this.text = text;
  }

  /**
   * Parses a header dict.
   *
   * @param text the header text after the length field
   * @return the keys and values: String, Boolean or List of Long
   * @throws IllegalArgumentException naming the position and what was expected and found
   */
  static Map<String, Object> parse(String text) {
    NpyHeaderParser p = new NpyHeaderParser(text);
    Map<String, Object> dict = p.dict();
    p.skipSpace();
    if (p.pos != text.length()) {
      throw p.error("end of header");
    }
    return dict;
  }

  private Map<String, Object> dict() {
    skipSpace();
    expect('{');
    Map<String, Object> m = new LinkedHashMap<>();
    while (true) {
      skipSpace();
      if (peek() == '}') {
        pos++;
        return m;
      }
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      Object value = value();
      if (m.put(key, value) != null) {
        throw new IllegalArgumentException("duplicate key '" + key + "' in header " + quoted());
      }
      skipSpace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c != '}') {
        throw error("',' or '}'");
      }
    }
  }

  private Object value() {
    char c = peek();
    if (c == '\'' || c == '"') {
      return string();
    }
    if (c == '(' || c == '[') {
      return intSequence(c == '(' ? ')' : ']');
    }
    if (text.startsWith("True", pos)) {
      pos += 4;
      return Boolean.TRUE;
    }
    if (text.startsWith("False", pos)) {
      pos += 5;
      return Boolean.FALSE;
    }
    throw error("a string, True, False or a tuple");
  }

  private List<Long> intSequence(char close) {
    pos++;
    List<Long> values = new ArrayList<>();
    while (true) {
      skipSpace();
      if (peek() == close) {
        pos++;
        return values;
      }
      values.add(integer());
      skipSpace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c != close) {
        throw error("',' or '" + close + "'");
      }
    }
  }

  private long integer() {
    int start = pos;
    while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
      pos++;
    }
    if (start == pos) {
      throw error("a non-negative integer");
    }
    String digits = text.substring(start, pos);
    if (pos < text.length() && (text.charAt(pos) == 'L' || text.charAt(pos) == 'l')) {
      pos++;
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "integer " + digits + " at position " + start + " is too large in header " + quoted());
    }
  }

  private String string() {
    char q = peek();
    if (q != '\'' && q != '"') {
      throw error("a quoted string");
    }
    int start = ++pos;
    while (pos < text.length() && text.charAt(pos) != q) {
      if (text.charAt(pos) == '\\') {
        throw error("a string without escapes");
      }
      pos++;
    }
    if (pos >= text.length()) {
      throw new IllegalArgumentException(
          "unterminated string starting at position " + (start - 1) + " in header " + quoted());
    }
    return text.substring(start, pos++);
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("'" + c + "'");
    }
    pos++;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private IllegalArgumentException error(String expected) {
    String found = pos >= text.length() ? "end of header" : "'" + text.charAt(pos) + "'";
    return new IllegalArgumentException(
        "expected " + expected + " at position " + pos + ", found " + found + " in header "
            + quoted());
  }

  private String quoted() {
    String t = text.strip();
    if (t.length() > 200) {
      t = t.substring(0, 200) + "...";
    }
    return "\"" + t.replace("\n", "\\n") + "\"";
  }
}
