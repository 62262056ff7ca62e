package io.github.convlstm4j.api.io;

import io.github.convlstm4j.api.Tensor;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes an {@code .npz} entry by entry, atomically: entries go to a temporary file in the
 * target's folder, {@link #commit()} moves it over the target, and {@link #close()} without a
 * commit (for example after an exception) deletes it, leaving any existing target untouched.
 *
 * <pre>{@code
 * try (NpzWriter w = NpzWriter.open(path, Npz.Compression.STORED)) {
 *   w.putArray("conv3d/kernel", kernel);
 *   w.putEntry("spec.properties", bytes);
 *   w.commit();
 * }
 * }</pre>
 *
 * <p>Entry timestamps are fixed (1980-01-01 00:00) so the same content gives the same bytes.
 * Not thread-safe.
 */
public final class NpzWriter implements Closeable {
  private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

  private final PendingFile file;
  private final ZipOutputStream zip;
  private final Npz.Compression compression;
  private final Set<String> entryNames = new HashSet<>();
  private boolean done;

  private NpzWriter(PendingFile file, Npz.Compression compression) {
    this.file = file;
    this.compression = compression;
    this.zip = new ZipOutputStream(file.out());
    zip.setLevel(6);
  }

  /**
   * Starts writing an archive.
   *
   * @param target the file to create or replace on {@link #commit()}
   * @param compression {@link Npz.Compression#STORED} like {@code np.savez} or
   *     {@link Npz.Compression#DEFLATED} like {@code np.savez_compressed}
   * @return the writer
   * @throws IOException if the temporary file cannot be created
   */
  public static NpzWriter open(Path target, Npz.Compression compression) throws IOException {
    Objects.requireNonNull(compression, "compression");
    return new NpzWriter(PendingFile.create(target), compression);
  }

  /**
   * Adds an array as entry {@code <name>.npy} (float32); {@code numpy.load} gives it back under
   * {@code name}.
   *
   * @param name array name, may contain {@code '/'} (for example {@code conv_lstm2d_0/kernel})
   * @param tensor the array
   * @return this writer
   * @throws IllegalArgumentException on an invalid or duplicate name
   * @throws IOException on write failure
   */
  public NpzWriter putArray(String name, Tensor tensor) throws IOException {
    Objects.requireNonNull(tensor, "tensor of " + name);
    checkName(name);
    return putEntry(name + ".npy", Npy.toBytes(tensor));
  }

  /**
   * Adds a raw entry, for example {@code spec.properties}; {@code numpy.load} returns such
   * entries as bytes.
   *
   * @param entryName the full entry name
   * @param bytes the content
   * @return this writer
   * @throws IllegalArgumentException on an invalid or duplicate name
   * @throws IOException on write failure
   */
  public NpzWriter putEntry(String entryName, byte[] bytes) throws IOException {
    Objects.requireNonNull(bytes, "bytes of " + entryName);
    if (done) {
      throw new IllegalStateException("writer already committed or closed");
    }
    checkName(entryName);
    if (!entryNames.add(entryName)) {
      throw new IllegalArgumentException("duplicate entry name '" + entryName + "'");
    }
    ZipEntry e = new ZipEntry(entryName);
    e.setTimeLocal(ENTRY_TIME);
    if (compression == Npz.Compression.STORED) {
      CRC32 crc = new CRC32();
      crc.update(bytes);
      e.setMethod(ZipEntry.STORED);
      e.setSize(bytes.length);
      e.setCompressedSize(bytes.length);
      e.setCrc(crc.getValue());
    } else {
      e.setMethod(ZipEntry.DEFLATED);
    }
    zip.putNextEntry(e);
    zip.write(bytes);
    zip.closeEntry();
    return this;
  }

  /**
   * Finishes the archive and moves it over the target.
   *
   * @throws IOException if finishing or moving fails; the target is then unchanged
   */
  public void commit() throws IOException {
    if (done) {
      throw new IllegalStateException("writer already committed or closed");
    }
    done = true;
    zip.finish();
    file.commit();
  }

  /** Deletes the temporary file if {@link #commit()} was not called or failed. */
  @Override
  public void close() throws IOException {
    done = true;
    file.close();
  }

  private static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.startsWith("/") || name.endsWith("/") || name.contains("\\")
        || name.contains("//") || name.equals("..") || name.startsWith("../")
        || name.contains("/../") || name.endsWith("/..")) {
      throw new IllegalArgumentException("entry name must be a non-empty relative path with "
          + "'/' separators and no '..' or empty parts, got '" + name + "'");
    }
  }
}
