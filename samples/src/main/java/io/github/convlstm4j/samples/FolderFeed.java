package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Frames from a folder that something else writes into: every {@code .png} and {@code .npy}
 * file (names starting with a dot are ignored), each taken once, in name order among those
 * that became ready at the same look. A file is ready when two looks {@code pollMillis} apart
 * see the same size and modification time, so a file still being written is not read half
 * done (writing elsewhere and moving the file in is safest). Files already there at the start
 * are taken too.
 */
final class FolderFeed implements FrameFeed {

  private final Path dir;
  private final long pollMillis;
  private final Set<Path> taken = new HashSet<>();
  private final Map<Path, String> seen = new HashMap<>();
  private final Deque<Path> ready = new ArrayDeque<>();

  FolderFeed(Path dir, long pollMillis) {
    this.dir = dir;
    this.pollMillis = pollMillis;
  }

  @Override
  public Arrival next(StreamStop stop) throws IOException {
    while (ready.isEmpty()) {
      look();
      if (ready.isEmpty() && stop.sleep(pollMillis)) {
        return null;
      }
    }
    Path file = ready.poll();
    boolean png = kind(file).equals(".png");
    return new Arrival() {
      @Override
      public String name() {
        return file.getFileName().toString();
      }

      @Override
      public FrameSequence decode(int channels, FrameShape expected)
          throws LiveFrames.Rejected {
        return png ? LiveFrames.png(file, channels, expected)
            : LiveFrames.npy(file, channels, expected);
      }
    };
  }

  /** Lists the folder once; files unchanged since the last look become ready. */
  private void look() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = new ArrayList<>(s.filter(p -> !kind(p).isEmpty() && !taken.contains(p)).toList());
    }
    files.sort(null);
    for (Path p : files) {
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(p, BasicFileAttributes.class);
      } catch (IOException vanished) {
        seen.remove(p);
        continue;
      }
      if (!a.isRegularFile()) {
        continue;
      }
      String signature = a.size() + "@" + a.lastModifiedTime().toMillis();
      if (signature.equals(seen.remove(p))) {
        taken.add(p);
        ready.add(p);
      } else {
        seen.put(p, signature);
      }
    }
  }

  /** ".png" or ".npy" for a frame file, else "". */
  private static String kind(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.startsWith(".")) {
      return "";
    }
    return n.endsWith(".png") ? ".png" : n.endsWith(".npy") ? ".npy" : "";
  }

  @Override
  public String description() {
    return "watching " + dir + " for .png and .npy frames (a look every " + pollMillis + " ms)";
  }
}
