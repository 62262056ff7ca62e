package io.github.convlstm4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One configuration's figures on one model.
 *
 * @param label the configuration, e.g. {@code reference/vector} or {@code python-pytorch}
 * @param model the model label
 * @param forward forward time per batch (batched predict), seconds
 * @param train training-step time per batch, seconds
 * @param peakRssForwardMiB the process's peak resident memory after the forward runs
 * @param peakRssMiB the process's peak resident memory at the end (forward and training)
 * @param trainingFinite whether every training loss and the weights stayed finite
 * @param detail kernel or engine details from the forecaster's runtime information
 *     (reference: the kernel and the 3×3 convolution algorithm, e.g.
 *     {@code vector-256, convolution=winograd})
 * @param error why the configuration failed, or null
 * @param raw everything the child reported
 */
record Measurement(String label, String model, Stats forward, Stats train,
    double peakRssForwardMiB, double peakRssMiB, boolean trainingFinite, String detail,
    String error, Map<String, Object> raw) {

  /** From a child's JSON result. */
  static Measurement fromJson(String label, String model, Map<String, Object> j) {
    String detail = Json.string(j, "kernel", "");
    Optional<String> convolution = runtime(j, "convolution");
    if (convolution.isPresent()) {
      detail = detail + ", convolution=" + convolution.get();
    }
    if (j.containsKey("torch")) {
      detail = "torch " + j.get("torch") + ", python " + j.get("python") + ", "
          + (long) Json.number(j, "threads") + " threads";
    }
    String error = j.containsKey("error") ? String.valueOf(j.get("error")) : null;
    String trainingError = j.containsKey("trainingError")
        ? String.valueOf(j.get("trainingError")) : null;
    if (error == null && trainingError != null) {
      error = "training: " + trainingError;
    }
    return new Measurement(label, model, Stats.fromJson(Json.object(j, "forward")),
        Stats.fromJson(Json.object(j, "train")), Json.number(j, "peakRssForwardMiB"),
        Json.number(j, "peakRssMiB"), Boolean.TRUE.equals(j.get("trainingFinite")),
        detail, error, j);
  }

  /**
   * The reference backend's 3×3 convolution algorithm ({@code direct} or {@code winograd}) as
   * the forecaster reported it, empty for other backends and failed runs.
   */
  Optional<String> convolution() {
    return runtime(raw, "convolution");
  }

  /**
   * One entry of the forecaster's {@link io.github.convlstm4j.api.Forecaster#runtimeInfo()} as
   * the child reported it (key {@code runtime}), e.g. {@code inputConvolution}; empty when the
   * child reported none (the Python peer, a failed run) or lacks the key.
   */
  Optional<String> runtime(String key) {
    return runtime(raw, key);
  }

  /**
   * A timing of the streaming phase ({@link StreamTimer}): {@code rolloutRerun},
   * {@code rolloutSession}, {@code push} or {@code predict}; {@link Stats#NONE} when not
   * measured.
   */
  Stats stream(String key) {
    return Stats.fromJson(Json.object(Json.object(raw, "stream"), key));
  }

  /** The streaming phase's figure {@code key} (e.g. {@code rolloutMaxAbsDifference}), or NaN. */
  double streamNumber(String key) {
    return Json.number(Json.object(raw, "stream"), key);
  }

  /** Why the streaming phase failed, or null. */
  String streamError() {
    Object e = Json.object(raw, "stream").get("error");
    return e == null ? null : String.valueOf(e);
  }

  /**
   * How many times faster the rollout by session is than by re-running (median over median),
   * NaN if not measured.
   */
  double rolloutSpeedup() {
    return stream("rolloutRerun").median() / stream("rolloutSession").median();
  }

  /** One push's median time over one predict's, NaN if not measured. */
  double pushOverPredict() {
    return stream("push").median() / stream("predict").median();
  }

  /** The {@code runtime} entry {@code key} of a child's JSON result, if present. */
  static Optional<String> runtime(Map<String, Object> j, String key) {
    Object v = Json.object(j, "runtime").get(key);
    return v == null ? Optional.empty() : Optional.of(String.valueOf(v));
  }

  /** A configuration that produced no figures. */
  static Measurement failed(String label, String model, String error) {
    return new Measurement(label, model, Stats.NONE, Stats.NONE, Double.NaN, Double.NaN, false,
        "", error, Map.of());
  }

  /** As a JSON object. */
  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("label", label);
    m.put("model", model);
    m.put("forwardSeconds", forward.toJson());
    m.put("trainSeconds", train.toJson());
    m.put("peakRssForwardMiB", peakRssForwardMiB);
    m.put("peakRssMiB", peakRssMiB);
    m.put("trainingFinite", trainingFinite);
    m.put("detail", detail);
    m.put("error", error);
    m.put("rolloutSpeedup", rolloutSpeedup());
    m.put("pushOverPredict", pushOverPredict());
    m.put("child", raw);
    return m;
  }
}
