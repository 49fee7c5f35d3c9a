package io.cloneguard.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The whole configuration, as loaded and validated from one YAML file. */
public record CloneGuardConfig(
    Path file,
    StorageConfig storage,
    List<InstanceConfig> instances,
    CloneRequestsConfig cloneRequests,
    HttpConfig http,
    ScheduleConfig schedule,
    SchedulerConfig scheduler,
    MetricsConfig metrics) {
  public CloneGuardConfig {
    instances = List.copyOf(instances);
  }

  public Optional<InstanceConfig> instance(String name) {
    return instances.stream().filter(i -> i.name().equals(name)).findFirst();
  }

  public List<InstanceConfig> guarded() {
    return instances.stream().filter(InstanceConfig::guard).toList();
  }

  public List<InstanceConfig> watched() {
    return instances.stream().filter(InstanceConfig::watchCloneRequests).toList();
  }
}
