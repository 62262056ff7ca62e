package io.github.convlstm4j.djl;

import io.github.convlstm4j.spi.BackendProvider;
import io.github.convlstm4j.testkit.BackendConformanceKit;

/** The {@code djl-mxnet} backend against the conformance kit. */
class DjlMxnetConformanceTest extends BackendConformanceKit {

  @Override
  protected BackendProvider provider() {
    return new DjlMxnetProvider();
  }
}
