package io.github.convlstm4j.api;

/** The optimizers every training backend implements. */
public enum OptimizerType {
  /** Adadelta (Zeiler 2012), Keras 2 form. */
  ADADELTA,
  /** Adam (Kingma and Ba 2014), Keras 2 form with bias correction folded into the step. */
  ADAM,
  /** RMSprop, Keras 2 form. */
  RMSPROP,
  /** Plain stochastic gradient descent with optional momentum. */
  SGD,
  /**
   * AdamW (Loshchilov and Hutter 2019, "Decoupled Weight Decay Regularization"), PyTorch's
   * {@code torch.optim.AdamW} form: weight decay applied to the weights directly, not through
   * the gradient or the moments. Update rule in {@link OptimizerSpec}.
   */
  ADAMW
}
