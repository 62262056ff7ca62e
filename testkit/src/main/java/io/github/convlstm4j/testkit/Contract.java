package io.github.convlstm4j.testkit;

/**
 * Base of every contract group: gives the group's tests the {@link KitSupport} of the running
 * {@link BackendConformanceKit}.
 */
abstract class Contract {

  /**
   * The support of the current test.
   *
   * @return the provider under test, tolerances and helpers
   */
  abstract KitSupport kit();
}
