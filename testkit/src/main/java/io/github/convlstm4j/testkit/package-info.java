/**
 * The conformance kit every convlstm4j backend runs against itself:
 * {@link io.github.convlstm4j.testkit.BackendConformanceKit}, a JUnit 5 test class to extend
 * with one method that returns the {@link io.github.convlstm4j.spi.BackendProvider} under test,
 * and {@link io.github.convlstm4j.testkit.Tolerances}, every numerical tolerance in one place.
 *
 * <p>The kit compares against three independent oracles: golden values from the equations
 * (the scalar LSTM on a 1×1 frame, closed forms), a plain double-precision forward pass with
 * finite-difference gradients written inside the kit, and the pure-Java reference backend
 * ({@code convlstm4j-backend-reference}) for losses and optimizer steps.
 */
package io.github.convlstm4j.testkit;
