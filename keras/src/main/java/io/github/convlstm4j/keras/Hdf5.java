package io.github.convlstm4j.keras;

import io.github.convlstm4j.api.Tensor;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Small helpers over jHDF's reading API: string attributes, float datasets, paths. */
final class Hdf5 {
  /** The first 8 bytes of an HDF5 file whose superblock is at offset 0. */
  static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  /** The first 4 bytes of a zip archive (a local file header). */
  static final byte[] ZIP_SIGNATURE = {'P', 'K', 3, 4};

  private Hdf5() {}

  static boolean isHdf5(byte[] head) {
    return head.length >= SIGNATURE.length
        && Arrays.equals(Arrays.copyOf(head, SIGNATURE.length), SIGNATURE);
  }

  static boolean isZip(byte[] head) {
    return head.length >= ZIP_SIGNATURE.length
        && Arrays.equals(Arrays.copyOf(head, ZIP_SIGNATURE.length), ZIP_SIGNATURE);
  }

  /**
   * Refuses a truncated HDF5 file: its superblock (at offset 0) declares the end-of-file
   * address, which must not lie past the file's size (HDF5 file format specification,
   * "Superblock", versions 0 to 3).
   *
   * @param head at least the file's first 64 bytes (fewer if the file is shorter)
   * @param size the file's size in bytes
   * @param source the file, for messages
   */
  static void requireComplete(byte[] head, long size, String source)
      throws KerasFormatException {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(head).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    if (head.length < 16) {
      throw new KerasFormatException(source + ": truncated HDF5 file: " + size + " bytes, too "
          + "few for a superblock");
    }
    int version = head[8];
    int offsets;
    int eofAt;
    if (version == 0 || version == 1) {
      offsets = head[13];
      eofAt = 24 + (version == 1 ? 4 : 0) + 2 * offsets;
    } else if (version == 2 || version == 3) {
      offsets = head[9];
      eofAt = 12 + 2 * offsets;
    } else {
      throw new KerasFormatException(source + ": HDF5 superblock version must be 0 to 3, got "
          + version);
    }
    if (offsets != 8 && offsets != 4) {
      throw new KerasFormatException(source + ": HDF5 size of offsets must be 4 or 8, got "
          + offsets);
    }
    if (head.length < eofAt + offsets) {
      throw new KerasFormatException(source + ": truncated HDF5 file: " + size + " bytes, too "
          + "few for its superblock");
    }
    long eof = offsets == 8 ? b.getLong(eofAt) : b.getInt(eofAt) & 0xFFFFFFFFL;
    if (eof > size || eof < 0) {
      throw new KerasFormatException(source + ": truncated HDF5 file: its superblock declares "
          + eof + " bytes, the file has " + size);
    }
  }

  /**
   * A string attribute (fixed- or variable-length, scalar or a one-element array), or null if
   * absent.
   */
  static String stringAttribute(Node node, String name, String source)
      throws KerasFormatException {
    Attribute a = node.getAttributes().get(name);
    if (a == null) {
      return null;
    }
    Object data = a.getData();
    if (data instanceof String) {
      return (String) data;
    }
    if (data instanceof String[] && ((String[]) data).length == 1) {
      return ((String[]) data)[0];
    }
    throw new KerasFormatException(source + ": attribute '" + name + "' of " + node.getPath()
        + " must be a string, got " + describe(data));
  }

  /**
   * A list-of-strings attribute as Keras writes it ({@code save_attributes_to_hdf5_group}):
   * under {@code name}, or split over {@code name0}, {@code name1}, ... when large; an empty
   * list may be stored as an empty float64 array; absent means empty (as Keras'
   * {@code load_attributes_from_hdf5_group} reads it).
   */
  static List<String> stringListAttribute(Node node, String name, String source)
      throws KerasFormatException {
    List<String> out = new ArrayList<>();
    if (node.getAttributes().containsKey(name)) {
      addStrings(out, node, name, source);
      return out;
    }
    for (int chunk = 0; node.getAttributes().containsKey(name + chunk); chunk++) {
      addStrings(out, node, name + chunk, source);
    }
    return out;
  }

  private static void addStrings(List<String> out, Node node, String name, String source)
      throws KerasFormatException {
    Object data = node.getAttributes().get(name).getData();
    if (data instanceof String[]) {
      out.addAll(Arrays.asList((String[]) data));
    } else if (data instanceof String) {
      out.add((String) data);
    } else if (data == null || data.getClass().isArray() && Array.getLength(data) == 0) {
      return;
    } else {
      throw new KerasFormatException(source + ": attribute '" + name + "' of " + node.getPath()
          + " must be a list of strings, got " + describe(data));
    }
  }

  /** A float32 dataset as a tensor of the dataset's shape. */
  static Tensor floatTensor(Dataset d, String source) throws KerasFormatException {
    if (d.getJavaType() != float.class) {
      throw new KerasFormatException(source + ": dataset " + d.getPath()
          + " must hold float32 values, got " + d.getDataType().getClass().getSimpleName()
          + " of Java type " + d.getJavaType().getSimpleName() + " (" + d.getDataType().getSize()
          + " bytes per value)");
    }
    int[] shape = d.getDimensions();
    if (d.isScalar()) {
      Object v = d.getData();
      return Tensor.of(new int[0], new float[] {(Float) v});
    }
    Object flat = d.getDataFlat();
    if (!(flat instanceof float[])) {
      throw new KerasFormatException(source + ": dataset " + d.getPath()
          + " must read as float32 values, got " + describe(flat));
    }
    try {
      return Tensor.of(shape, (float[]) flat);
    } catch (IllegalArgumentException e) {
      throw new KerasFormatException(source + ": dataset " + d.getPath() + ": " + e.getMessage(),
          e);
    }
  }

  /** The child of a group at a relative path, trying {@code \} and {@code /} spellings. */
  static Node child(Group g, String path) {
    Node n = find(g, path);
    if (n == null && path.contains("\\")) {
      n = find(g, path.replace('\\', '/'));
    }
    if (n == null && path.contains("/")) {
      n = find(g, path.replace('/', '\\'));
    }
    return n;
  }

  private static Node find(Group g, String path) {
    Group at = g;
    String[] parts = path.split("/");
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].isEmpty()) {
        continue;
      }
      Node n = at.getChildren().get(parts[i]);
      if (n == null) {
        return null;
      }
      if (i == parts.length - 1) {
        return n;
      }
      if (!(n instanceof Group)) {
        return null;
      }
      at = (Group) n;
    }
    return at;
  }

  static String describe(Object data) {
    if (data == null) {
      return "nothing";
    }
    if (data.getClass().isArray()) {
      return data.getClass().getComponentType().getSimpleName() + "[" + Array.getLength(data)
          + "]";
    }
    return data.getClass().getSimpleName() + " " + data;
  }
}
