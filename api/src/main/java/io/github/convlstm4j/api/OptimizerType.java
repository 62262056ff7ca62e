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
  SGD
}
