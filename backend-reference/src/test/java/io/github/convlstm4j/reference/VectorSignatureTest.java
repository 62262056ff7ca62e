package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rule the Vector API code of this backend relies on for its speed and memory: no method
 * (lambdas included) takes or returns a vector, a mask or a shuffle, and no field holds one.
 * C2 keeps such a value in registers only when it inlines the call, and it decides that per
 * compilation (its inlining node budget, whether the callee is already compiled, the order in
 * which methods get compiled); when it does not, every call boxes the value on the heap. Run
 * with {@code -XX:CompileCommand=dontinline,io.github.convlstm4j.*::*}, a seed training step
 * made about 1.8 GB of garbage per step through the one helper that broke this rule (a
 * {@code tanh(FloatVector)}), with 400 MiB more peak memory; see docs/PERFORMANCE.md.
 *
 * <p>Species ({@code VectorSpecies}) are constants, not payloads, and stay allowed.
 */
class VectorSignatureTest {

  @Test
  void noMethodOrFieldOfTheBackendCarriesAVector() throws Exception {
    List<Class<?>> classes = backendClasses();
    // The scan must see the vector code itself, or the test would pass on an empty list.
    List<String> names = classes.stream().map(Class::getName).collect(Collectors.toList());
    for (String expected : List.of("VectorCellOps256", "VectorCellOps512", "Winograd4Vector256",
        "kernel.Tiles256", "kernel.VectorMatMul", "kernel.FmaPeakProbe")) {
      assertTrue(names.contains("io.github.convlstm4j.reference." + expected),
          "the scan of the backend's classes misses " + expected + "; found " + names);
    }
    List<String> offenders = new ArrayList<>();
    for (Class<?> c : classes) {
      for (Method m : c.getDeclaredMethods()) {
        if (carriesVector(m.getReturnType())) {
          offenders.add(m + " returns " + m.getReturnType().getSimpleName());
        }
        for (Class<?> p : m.getParameterTypes()) {
          if (carriesVector(p)) {
            offenders.add(m + " takes " + p.getSimpleName());
          }
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (carriesVector(f.getType())) {
          offenders.add(f + " holds " + f.getType().getSimpleName());
        }
      }
    }
    assertEquals(List.of(), offenders, "vector values crossing a method boundary");
  }

  @Test
  void theCheckRecognisesVectorPayloads() throws ClassNotFoundException {
    // The predicate itself: vectors of any element type, masks and shuffles; not species.
    for (String payload : List.of("FloatVector", "IntVector", "Vector", "VectorMask",
        "VectorShuffle")) {
      assertTrue(carriesVector(vectorApi(payload)), payload);
    }
    assertTrue(!carriesVector(vectorApi("VectorSpecies")));
    assertTrue(!carriesVector(float[].class));
  }

  /** The test sources compile without the incubator module, so its types come by name. */
  private static Class<?> vectorApi(String simpleName) throws ClassNotFoundException {
    return Class.forName("jdk.incubator.vector." + simpleName);
  }

  private static boolean carriesVector(Class<?> type) throws ClassNotFoundException {
    for (String payload : List.of("Vector", "VectorMask", "VectorShuffle")) {
      if (vectorApi(payload).isAssignableFrom(type)) {
        return true;
      }
    }
    return false;
  }

  /** Every class compiled into this backend's package and its sub-packages. */
  private static List<Class<?>> backendClasses() throws IOException, URISyntaxException,
      ClassNotFoundException {
    Path root = Path.of(CellOps.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
    assertTrue(Files.isDirectory(root), "expected the backend's classes in a directory, got "
        + root);
    Path pkg = root.resolve("io/github/convlstm4j/reference");
    List<String> names;
    try (Stream<Path> files = Files.walk(pkg)) {
      names = files.map(root::relativize).map(Path::toString)
          .filter(n -> n.endsWith(".class") && !n.endsWith("package-info.class"))
          .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
          .sorted().collect(Collectors.toList());
    }
    List<Class<?>> classes = new ArrayList<>();
    ClassLoader loader = CellOps.class.getClassLoader();
    for (String n : names) {
      classes.add(Class.forName(n, false, loader));
    }
    return classes;
  }
}
