/**
 * convlstm4j on Apache Spark.
 *
 * <ul>
 *   <li>{@link io.github.convlstm4j.spark.ForecastTransformer}: a Spark ML {@code Transformer}
 *       that forecasts a DataFrame of frame sequences with one forecaster per executor JVM.
 *   <li>{@link io.github.convlstm4j.spark.DistributedScores}: per-step model and persistence
 *       scores over a DataFrame of (context, truth) pairs, merged exactly across partitions.
 *   <li>{@link io.github.convlstm4j.spark.Sweep}: many model and training settings trained in
 *       parallel on one shared data file.
 *   <li>{@link io.github.convlstm4j.spark.ForecastArchive}: a {@code spark-submit}-able job
 *       that forecasts and scores a folder of {@code .npy} files and writes Parquet (its
 *       {@code main} prints a one-line summary: it is a command-line entry point).
 * </ul>
 *
 * <p>Spark ({@code spark-sql}, {@code spark-mllib}, Scala 2.13) is a {@code provided}
 * dependency: the cluster brings it. A backend ({@code convlstm4j-backend-reference} or
 * {@code convlstm4j-backend-djl}) must be on the executors' class path.
 */
package io.github.convlstm4j.spark;
