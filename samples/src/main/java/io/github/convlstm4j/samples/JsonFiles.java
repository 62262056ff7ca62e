package io.github.convlstm4j.samples;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.github.convlstm4j.api.io.PendingFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JSON files of the commands ({@code metrics.json} of {@code demo}, {@code --json} of
 * {@code evaluate}) through Jackson, written atomically with {@link PendingFile}. Values are
 * maps (in their order), lists, arrays, strings, numbers, booleans and null; numbers are written
 * the way Jackson writes them (integers as integers, floating point as Java's shortest
 * round-trip text) and a non-finite one, which JSON cannot hold, as {@code null}: the same rule
 * as the bench module's reports.
 */
final class JsonFiles {

  private static final ObjectWriter WRITER = JsonMapper.builder()
      .addModule(new SimpleModule("finite-or-null")
          .addSerializer(Double.class, new FiniteOrNull())
          .addSerializer(double[].class, new FiniteOrNullArray()))
      .build()
      .writerWithDefaultPrettyPrinter();

  private JsonFiles() {}

  /**
   * Writes {@code value} to {@code file} with Jackson's default pretty printer and a final
   * newline, atomically, creating the file's folder if needed.
   *
   * @param file the file
   * @param value the content
   * @throws IOException if writing fails (an existing file is then unchanged)
   */
  static void write(Path file, Object value) throws IOException {
    byte[] bytes = WRITER.writeValueAsBytes(value);
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    PendingFile.write(file, out -> {
      out.write(bytes);
      out.write('\n');
    });
  }

  /** Writes a finite double as Jackson does and a non-finite one as {@code null}. */
  private static final class FiniteOrNull extends StdSerializer<Double> {
    private static final long serialVersionUID = 1L;

    FiniteOrNull() {
      super(Double.class);
    }

    @Override
    public void serialize(Double value, JsonGenerator g, SerializerProvider provider)
        throws IOException {
      number(g, value);
    }
  }

  /** A {@code double[]} as an array, each element as {@link FiniteOrNull} writes it. */
  private static final class FiniteOrNullArray extends StdSerializer<double[]> {
    private static final long serialVersionUID = 1L;

    FiniteOrNullArray() {
      super(double[].class);
    }

    @Override
    public void serialize(double[] values, JsonGenerator g, SerializerProvider provider)
        throws IOException {
      g.writeStartArray(values, values.length);
      for (double v : values) {
        number(g, v);
      }
      g.writeEndArray();
    }
  }

  private static void number(JsonGenerator g, double v) throws IOException {
    if (Double.isFinite(v)) {
      g.writeNumber(v);
    } else {
      g.writeNull();
    }
  }
}
