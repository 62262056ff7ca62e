package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import java.io.IOException;

/** Where {@code convlstm4j stream} takes its frames from: a watched folder or a replayed movie. */
interface FrameFeed {

  /** One frame as it arrived, not yet decoded or checked. */
  interface Arrival {
    /** Names the frame in messages: a file name, or the movie and frame number. */
    String name();

    /**
     * Decodes and checks the frame.
     *
     * @param channels the model's input channels
     * @param expected the size of the frames pushed so far, or null before the first
     * @throws LiveFrames.Rejected naming what was expected and what came
     */
    FrameSequence decode(int channels, FrameShape expected) throws LiveFrames.Rejected;
  }

  /**
   * Waits for the next frame.
   *
   * @param stop asked to stop: then this returns null at once
   * @return the frame, or null when the feed has ended or a stop was asked for
   * @throws IOException when the feed itself fails (the folder vanished)
   */
  Arrival next(StreamStop stop) throws IOException;

  /** What this feed is, for the first line the command prints. */
  String description();
}
