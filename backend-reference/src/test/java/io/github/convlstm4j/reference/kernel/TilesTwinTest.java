package io.github.convlstm4j.reference.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code Tiles128} and {@code Tiles512} must be {@code Tiles256} with the bit size replaced, so
 * that a change to one width's tiles reaches all. To regenerate them after editing
 * {@code Tiles256.java} (from this module's directory):
 *
 * <pre>
 * D=src/main/java/io/github/convlstm4j/reference/kernel
 * sed 's/256/512/g' $D/Tiles256.java &gt; $D/Tiles512.java
 * sed 's/256/128/g' $D/Tiles256.java &gt; $D/Tiles128.java
 * </pre>
 */
class TilesTwinTest {

  private static final Path DIR = Path.of("src/main/java/io/github/convlstm4j/reference/kernel");

  @Test
  void theTwinsAreTiles256WithTheBitSizeReplaced() throws IOException {
    String source = Files.readString(DIR.resolve("Tiles256.java"), StandardCharsets.UTF_8);
    for (String bits : new String[] {"128", "512"}) {
      String twin = Files.readString(DIR.resolve("Tiles" + bits + ".java"),
          StandardCharsets.UTF_8);
      assertEquals(source.replace("256", bits), twin,
          "Tiles" + bits + ".java differs from Tiles256.java with 256 replaced by " + bits
              + ": regenerate it (see this test's Javadoc)");
    }
  }
}
