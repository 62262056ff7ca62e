package io.github.convlstm4j.testkit;

import io.github.convlstm4j.reference.ReferenceBackendProvider;
import io.github.convlstm4j.spi.BackendProvider;

/** The reference backend against the conformance kit (it lives here: testkit depends on it). */
class ReferenceBackendConformanceTest extends BackendConformanceKit {

  @Override
  protected BackendProvider provider() {
    return new ReferenceBackendProvider();
  }
}
