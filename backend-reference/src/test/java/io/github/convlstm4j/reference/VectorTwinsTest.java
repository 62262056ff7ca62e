package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Vector API code that exists once per vector width ({@code kernel/Tiles*},
 * {@code Winograd4Vector*}, {@code VectorCellOps*}: the species must be a {@code static final}
 * constant for C2) is one source per family: the 128- and 512-bit files must be the 256-bit
 * file with the bit size replaced, so that a change to one width reaches all. To regenerate
 * them after editing the 256-bit file, from this module's directory, e.g. for the cell math:
 *
 * <pre>
 * D=src/main/java/io/github/convlstm4j/reference
 * sed 's/256/512/g' $D/VectorCellOps256.java &gt; $D/VectorCellOps512.java
 * sed 's/256/128/g' $D/VectorCellOps256.java &gt; $D/VectorCellOps128.java
 * </pre>
 *
 * (likewise {@code $D/Winograd4Vector256.java} and {@code $D/kernel/Tiles256.java}).
 */
class VectorTwinsTest {

  private static final Path DIR = Path.of("src/main/java/io/github/convlstm4j/reference");

  @ParameterizedTest
  @ValueSource(strings = {"kernel/Tiles256.java", "Winograd4Vector256.java",
      "VectorCellOps256.java"})
  void theTwinsAreThe256BitSourceWithTheBitSizeReplaced(String file) throws IOException {
    String source = Files.readString(DIR.resolve(file), StandardCharsets.UTF_8);
    for (String bits : new String[] {"128", "512"}) {
      String name = file.replace("256", bits);
      String twin = Files.readString(DIR.resolve(name), StandardCharsets.UTF_8);
      assertEquals(source.replace("256", bits), twin, name + " differs from " + file
          + " with 256 replaced by " + bits + ": regenerate it (see this test's Javadoc)");
    }
  }
}
