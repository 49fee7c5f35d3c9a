package io.cloneguard.schedule;

/** Reads one sample from Prometheus text exposition (as served by /metrics, prefixed with the HTTP status by the tests' get()). */
final class MetricsValue {
  private MetricsValue() {}

  static double of(String body, String series) {
    return body.lines().filter(l -> l.startsWith(series + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(series.length() + 1).split(" ")[0]))
        .orElse(Double.NaN);
  }
}
