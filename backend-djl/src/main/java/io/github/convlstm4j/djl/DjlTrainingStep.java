package io.github.convlstm4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.spi.TrainingStep;
import java.util.Map;
import java.util.function.Function;

/**
 * A computed training batch whose update has not been applied. It owns the batch's
 * sub-manager (the leaves, their gradients and the graph's intermediates), closed with it.
 */
final class DjlTrainingStep implements TrainingStep {

  private final NDManager batch;
  private final float loss;
  private final Map<String, NDArray> gradients;
  private final Function<OptimizerSpec, KerasOptimizer> optimizerFor;
  private final Map<String, NDArray> trainable;
  private final Runnable updateMovingStatistics;

  /**
   * A step.
   *
   * @param batch the batch's sub-manager, closed by {@link #close()}
   * @param loss the batch loss
   * @param gradients per trainable weight, DJL layout
   * @param optimizerFor the forecaster's optimizer for a spec (created or updated)
   * @param trainable the persistent trainable parameters, updated in place
   * @param updateMovingStatistics folds the batch statistics into the moving ones
   */
  DjlTrainingStep(NDManager batch, float loss, Map<String, NDArray> gradients,
      Function<OptimizerSpec, KerasOptimizer> optimizerFor, Map<String, NDArray> trainable,
      Runnable updateMovingStatistics) {
    this.batch = batch;
    this.loss = loss;
    this.gradients = gradients;
    this.optimizerFor = optimizerFor;
    this.trainable = trainable;
    this.updateMovingStatistics = updateMovingStatistics;
  }

  @Override
  public double loss() {
    return loss;
  }

  @Override
  public void apply(OptimizerSpec spec) {
    KerasOptimizer optimizer = optimizerFor.apply(spec);
    // The optimizer's temporaries then live in the batch manager and go with it.
    batch.tempAttachAll(optimizer.slotArrays().toArray(new NDArray[0]));
    optimizer.step(trainable, gradients);
    updateMovingStatistics.run();
  }

  @Override
  public void close() {
    batch.close();
  }
}
