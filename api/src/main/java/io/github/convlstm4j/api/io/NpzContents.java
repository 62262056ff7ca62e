package io.github.convlstm4j.api.io;

import io.github.convlstm4j.api.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What an {@code .npz} holds: its arrays (entries ending in {@code .npy}, keyed like
 * {@code numpy.load} keys them, without the suffix) and its other entries as raw bytes (keyed
 * by their full entry name, for example {@code spec.properties}), both in archive order.
 */
public final class NpzContents {
  private final Map<String, Tensor> arrays;
  private final Map<String, byte[]> otherEntries;

  /**
   * Creates contents, copying both maps (and the byte arrays) and keeping their order.
   *
   * @param arrays array name to tensor
   * @param otherEntries entry name to raw bytes
   */
  public NpzContents(Map<String, Tensor> arrays, Map<String, byte[]> otherEntries) {
    Objects.requireNonNull(arrays, "arrays");
    Objects.requireNonNull(otherEntries, "otherEntries");
    Map<String, Tensor> a = new LinkedHashMap<>(arrays);
    Map<String, byte[]> o = new LinkedHashMap<>();
    otherEntries.forEach((k, v) -> o.put(k, v.clone()));
    this.arrays = Collections.unmodifiableMap(a);
    this.otherEntries = o;
  }

  /**
   * The arrays.
   *
   * @return an unmodifiable ordered map from name (entry name without {@code .npy}) to tensor
   */
  public Map<String, Tensor> arrays() {
    return arrays;
  }

  /**
   * One array.
   *
   * @param name the array name, without {@code .npy}
   * @return the tensor
   * @throws IllegalArgumentException naming the missing array and the present ones
   */
  public Tensor array(String name) {
    Tensor t = arrays.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          "no array named '" + name + "'; present: " + arrays.keySet());
    }
    return t;
  }

  /**
   * Names of the entries that are not arrays.
   *
   * @return an unmodifiable ordered set of entry names
   */
  public Set<String> otherEntryNames() {
    return Collections.unmodifiableSet(otherEntries.keySet());
  }

  /**
   * Whether a non-array entry of that name exists.
   *
   * @param entryName full entry name, for example {@code spec.properties}
   * @return true if present
   */
  public boolean hasOtherEntry(String entryName) {
    return otherEntries.containsKey(entryName);
  }

  /**
   * The bytes of a non-array entry.
   *
   * @param entryName full entry name
   * @return a copy of the bytes
   * @throws IllegalArgumentException naming the missing entry and the present ones
   */
  public byte[] otherEntry(String entryName) {
    byte[] b = otherEntries.get(entryName);
    if (b == null) {
      throw new IllegalArgumentException(
          "no entry named '" + entryName + "'; present: " + otherEntries.keySet());
    }
    return b.clone();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("NpzContents[");
    arrays.forEach((k, v) -> sb.append(k).append(v.shapeList()).append(", "));
    otherEntries.forEach((k, v) -> sb.append(k).append(" (").append(v.length)
        .append(" bytes), "));
    if (sb.charAt(sb.length() - 1) == ' ') {
      sb.setLength(sb.length() - 2);
    }
    return sb.append(']').toString();
  }
}
