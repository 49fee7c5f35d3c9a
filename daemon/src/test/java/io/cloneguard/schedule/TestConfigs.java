package io.cloneguard.schedule;

import io.cloneguard.config.AuthConfig;
import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.CloneRequestsConfig;
import io.cloneguard.config.Defaults;
import io.cloneguard.config.HttpConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.MetricsConfig;
import io.cloneguard.config.Policy;
import io.cloneguard.config.ScheduleConfig;
import io.cloneguard.config.SchedulerConfig;
import io.cloneguard.config.Secret;
import io.cloneguard.config.StorageConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Configurations for tests: short intervals, loopback only, storage in a temp dir. */
final class TestConfigs {
  static final Duration POLL = Duration.ofMillis(200);

  private TestConfigs() {}

  static CloneGuardConfig embedded(Path dir) {
    return config(dir, List.of(), SchedulerConfig.Store.EMBEDDED, null, null, null);
  }

  static ScheduleConfig fastSchedule() {
    return new ScheduleConfig("0 0 2 * * ?", Duration.ZERO, 2, Duration.ofSeconds(20), Duration.ofMillis(200), Duration.ofSeconds(10));
  }

  static HttpConfig fastHttp() {
    return new HttpConfig(2, 1000, Duration.ofSeconds(2), Duration.ofSeconds(5), 1000, null, null, null, 1, Duration.ofMillis(200));
  }

  static InstanceConfig instance(String name, URI url, String user, String password, boolean watch, boolean guard, Policy policy) {
    return new InstanceConfig(name, url, AuthConfig.basic(user, Secret.of(password)), watch, guard, policy, List.of("mid_server"));
  }

  static CloneGuardConfig config(Path dir, List<InstanceConfig> instances, SchedulerConfig.Store store, String url, String user, String password) {
    return new CloneGuardConfig(dir.resolve("cloneguard.yaml"), new StorageConfig(dir, dir.resolve("cloneguard.key"), 5), instances,
        new CloneRequestsConfig("clone_instance", POLL, CloneRequestsConfig.Fields.defaults()), fastHttp(), fastSchedule(),
        new SchedulerConfig(store, url, user, password == null ? null : Secret.of(password)), new MetricsConfig("127.0.0.1:0"));
  }

  static CloneGuardConfig withSchedule(CloneGuardConfig c, ScheduleConfig s) {
    return new CloneGuardConfig(c.file(), c.storage(), c.instances(), c.cloneRequests(), c.http(), s, c.scheduler(), c.metrics());
  }

  static final ScheduleConfig DEFAULT_SCHEDULE = Defaults.SCHEDULE;
}
