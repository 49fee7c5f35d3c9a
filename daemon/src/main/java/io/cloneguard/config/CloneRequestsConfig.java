package io.cloneguard.config;

import java.time.Duration;

/**
 * Where clone requests are read. The platform table is {@code clone_instance} on the source
 * instance; the field names are configurable because releases and the Clone Admin Console differ.
 */
public record CloneRequestsConfig(String table, Duration poll, Fields fields) {
  public record Fields(
      String sourceInstance,
      String targetInstance,
      String state,
      String scheduled,
      String started,
      String completed,
      String canceled) {
    public static Fields defaults() {
      return new Fields("source_instance", "target_instance", "state", "scheduled", "started", "completed", "canceled");
    }
  }
}
