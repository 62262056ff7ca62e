package io.github.convlstm4j.reference;

import java.util.HashMap;
import java.util.Map;

/**
 * Named float buffers that are allocated once and reused: a buffer is reallocated only when a
 * larger one is requested, with 25 % headroom so that slowly growing requests (a forecast
 * rollout adds one frame per round) do not reallocate every time. Fresh memory is expensive on
 * the target machine (first-touch page faults), so nothing large is allocated per batch or per
 * time step. Contents are not cleared between uses: callers overwrite or clear what they read.
 */
final class Arena {
  private final Map<String, float[]> buffers = new HashMap<>();
  private long allocatedFloats;

  /** A buffer of at least {@code size} floats under {@code name}; its contents are stale. */
  float[] get(String name, long size) {
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "buffer " + name + " would need " + size + " floats, more than a Java array holds");
    }
    float[] b = buffers.get(name);
    if (b == null || b.length < size) {
      long grown = b == null ? size : Math.max(size, Math.min(Integer.MAX_VALUE - 16L,
          b.length + (long) b.length / 4));
      if (b != null) {
        allocatedFloats -= b.length;
      }
      b = new float[(int) grown];
      allocatedFloats += b.length;
      buffers.put(name, b);
    }
    return b;
  }

  /** Like {@link #get} but zero-filled over the first {@code size} floats. */
  float[] zeroed(String name, long size) {
    float[] b = get(name, size);
    java.util.Arrays.fill(b, 0, (int) size, 0f);
    return b;
  }

  /** Bytes held. */
  long bytes() {
    return allocatedFloats * Float.BYTES;
  }

  /** Drops every buffer. */
  void clear() {
    buffers.clear();
    allocatedFloats = 0;
  }
}
