package io.cloneguard.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloneguard.config.CloneRequestsConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.Policy;
import io.cloneguard.metrics.CloneGuardMetrics;
import io.cloneguard.servicenow.Record;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CloneWatcherTest {
  private final InstanceConfig dev = TestConfigs.instance("dev", URI.create("https://acmedev.service-now.com"), "u", "password-1", false, true,
      Policy.RESTORE);
  private final InstanceConfig test = TestConfigs.instance("test", URI.create("http://127.0.0.1:8443"), "u", "password-1", false, true,
      Policy.RESTORE);
  private final CloneWatcher watcher = new CloneWatcher(null,
      new CloneRequestsConfig("clone_instance", Duration.ofSeconds(1), CloneRequestsConfig.Fields.defaults()), List.of(dev, test),
      new CloneGuardMetrics(new SimpleMeterRegistry()), AuditSink.NONE, DaemonOptions.fast(), "n");

  private static Record request(Map<String, String> values, Map<String, String> display) {
    return new Record("clone_instance", values, display);
  }

  @Test
  void matchesTheTargetByTheInstanceRecordsUrlIgnoringDefaultPortsAndCase() {
    Record r = request(Map.of("target_instance", "abc", "target_instance.instance_url", "https://AcmeDev.service-now.com:443/"), Map.of());
    assertThat(watcher.matchTarget(r)).contains(dev);
    Record loopback = request(Map.of("target_instance", "abc", "target_instance.instance_url", "http://127.0.0.1:8443"), Map.of());
    assertThat(watcher.matchTarget(loopback)).contains(test);
  }

  @Test
  void matchesByInstanceNameOrTheReferencesDisplayValueWhenThereIsNoUrl() {
    assertThat(watcher.matchTarget(request(Map.of("target_instance", "abc", "target_instance.instance_name", "acmedev"), Map.of()))).contains(dev);
    assertThat(watcher.matchTarget(request(Map.of("target_instance", "abc"), Map.of("target_instance", "dev")))).contains(dev);
  }

  @Test
  void ignoresRequestsForInstancesThatAreNotGuarded() {
    assertThat(watcher.matchTarget(request(Map.of("target_instance", "abc", "target_instance.instance_url", "https://acme.service-now.com",
        "target_instance.instance_name", "acme"), Map.of("target_instance", "acme")))).isEmpty();
    assertThat(watcher.matchTarget(request(Map.of("target_instance", "abc", "target_instance.instance_url", "http://127.0.0.1:9999"),
        Map.of()))).isEmpty();
  }

  @Test
  void readsPlatformTimestampsAsUtc() {
    assertThat(CloneWatcher.parseTime("2026-12-04 10:15:00")).isEqualTo(java.time.Instant.parse("2026-12-04T10:15:00Z"));
    assertThat(CloneWatcher.parseTime("")).isNull();
    assertThat(CloneWatcher.parseTime("tomorrow")).isNull();
  }
}
