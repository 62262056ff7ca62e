package io.github.convlstm4j.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON of the bench (the child-process protocol, the report files) through Jackson. Values are
 * plain maps (insertion order kept), lists, strings, numbers, booleans and null. Numbers are
 * written the way Jackson writes them (integers as integers, floating point as Java's shortest
 * round-trip text); a non-finite floating-point number, which JSON cannot hold, becomes
 * {@code null}. Reading accepts {@code NaN} and {@code Infinity} tokens (Python's
 * {@code json.dumps} writes them) and gives {@link Integer} or {@link Long} for integers and
 * {@link Double} for the rest: read numbers as {@link Number}.
 */
final class Json {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .addModule(new SimpleModule("finite-or-null")
          .addSerializer(Double.class, new FiniteOrNull<>(Double.class))
          .addSerializer(Float.class, new FiniteOrNull<>(Float.class)))
      .build();

  private Json() {}

  /**
   * Parses one JSON value.
   *
   * @throws IllegalArgumentException on malformed input, naming the position
   */
  static Object parse(String text) {
    try {
      return MAPPER.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at offset " + e.getLocation().getCharOffset()),
          e);
    }
  }

  /**
   * Parses a JSON object.
   *
   * @throws IllegalArgumentException on malformed input or another kind of value
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("expected a JSON object, got "
          + (v == null ? "null" : v.getClass().getSimpleName()));
    }
    return (Map<String, Object>) v;
  }

  /** Renders a value with Jackson's default pretty printer, ending in a newline. */
  static String write(Object value) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Renders a value on one line. */
  static String writeCompact(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
    }
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

  /** Writes a finite number as Jackson does and a non-finite one as {@code null}. */
  private static final class FiniteOrNull<T extends Number> extends StdSerializer<T> {
    private static final long serialVersionUID = 1L;

    FiniteOrNull(Class<T> type) {
      super(type);
    }

    @Override
    public void serialize(T value, JsonGenerator g, SerializerProvider provider)
        throws IOException {
      double d = value.doubleValue();
      if (!Double.isFinite(d)) {
        g.writeNull();
      } else if (value instanceof Float) {
        g.writeNumber(value.floatValue());
      } else {
        g.writeNumber(d);
      }
    }
  }
}
