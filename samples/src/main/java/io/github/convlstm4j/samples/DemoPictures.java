package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.FrameSequence;
import java.io.IOException;
import java.nio.file.Path;

/** WIP. */
final class DemoPictures {
  private DemoPictures() {}

  static void write(Path out, FrameSequence context, FrameSequence rollout, FrameSequence truth,
      int images) throws IOException {
    throw new IOException("FrameImages pending");
  }
}
