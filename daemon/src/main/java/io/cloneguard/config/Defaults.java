package io.cloneguard.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The value of every configuration key the file leaves out (instances have no default). */
public final class Defaults {
  public static final StorageConfig STORAGE =
      new StorageConfig(Path.of("/var/lib/cloneguard"), Path.of("/etc/cloneguard/cloneguard.key"), 14);
  public static final Policy POLICY = Policy.RESTORE;
  public static final List<String> MID_ROLES = List.of("mid_server");
  public static final CloneRequestsConfig CLONE_REQUESTS =
      new CloneRequestsConfig("clone_instance", Duration.ofSeconds(30), CloneRequestsConfig.Fields.defaults());
  public static final HttpConfig HTTP =
      new HttpConfig(4, 1000, Duration.ofSeconds(10), Duration.ofSeconds(60), 20, null, null, null, 5, Duration.ofSeconds(60));
  public static final ScheduleConfig SCHEDULE =
      new ScheduleConfig(
          "0 0 2 * * ?",
          Duration.ofMinutes(5),
          3,
          Duration.ofMinutes(15),
          Duration.ofSeconds(30),
          Duration.ofSeconds(30));
  public static final SchedulerConfig SCHEDULER = new SchedulerConfig(SchedulerConfig.Store.EMBEDDED, null, null, null);
  public static final MetricsConfig METRICS = new MetricsConfig("127.0.0.1:9464");

  private Defaults() {}
}
