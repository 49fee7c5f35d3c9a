package io.cloneguard.config;

/**
 * The Quartz job store and workflow database: {@code embedded} (H2 file under storage.dir) or
 * {@code jdbc} with url, user and password.
 */
public record SchedulerConfig(Store store, String url, String user, Secret password) {
  public enum Store { EMBEDDED, JDBC }
}
