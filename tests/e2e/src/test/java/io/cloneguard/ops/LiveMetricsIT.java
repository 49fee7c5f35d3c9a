package io.cloneguard.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cloneguard.e2e.CloneGuardLauncher;
import io.cloneguard.e2e.DaemonProcess;
import io.cloneguard.e2e.Landscape;
import io.cloneguard.e2e.Metrics;
import io.cloneguard.e2e.ScenarioFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules and the dashboard against a real daemon: every metric they query is exposed by
 * `cloneguard daemon` guarding a simulated dev (after one clone of prod over it), with the label values
 * the rules select on. A renamed metric or label would otherwise leave an alert that can never fire.
 */
class LiveMetricsIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = OpsEnv.root();

  /** Series that only exist after something went wrong, which this healthy run does not provoke. */
  private static final Set<String> ONLY_AFTER_A_FAILURE = Set.of(
      "cloneguard_clone_workflow_failures_total", // first FAILED workflow
      "cloneguard_http_retries_total", // first retried request
      "cloneguard_http_rate_limit_waits_total"); // first wait for the client-side rate limiter

  @Test
  void everyMetricTheRulesAndDashboardQueryIsExposedByARunningDaemon(@TempDir Path tmp) throws IOException {
    Set<String> queried = queriedMetrics();
    assertThat(queried).contains("cloneguard_gaps", "cloneguard_mid_servers", "cloneguard_restore_writes_total",
        "cloneguard_http_requests_seconds_sum", "resilience4j_circuitbreaker_state", "jvm_memory_used_bytes");
    try (Landscape landscape = Landscape.start(Landscape.Options.standard().preservers("sys_user_has_role"))) {
      ScenarioFiles files = landscape.files(tmp.resolve("world"), "restore");
      files.write();
      CloneGuardLauncher cli = CloneGuardLauncher.productJar(tmp.resolve("out"));
      try (DaemonProcess daemon = cli.startDaemon(files.config(), files.metricsPort())) {
        await("daemon ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .failFast("daemon exited: " + daemon.stderr(), () -> !daemon.isAlive())
            .until(daemon::isReady);

        landscape.requestCloneThroughTableApi();
        await("restore writes after the clone").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
            .failFast("daemon exited: " + daemon.stderr(), () -> !daemon.isAlive())
            .until(() -> !Metrics.select(daemon.metrics(), "cloneguard_restore_writes_total", "instance=dev").isEmpty()
                && !Metrics.select(daemon.metrics(), "cloneguard_restore_last_success_timestamp_seconds", "instance=dev").isEmpty());

        String text = daemon.metrics();
        Set<String> exposed = Metrics.parse(text).stream().map(Metrics.Sample::name).collect(Collectors.toCollection(TreeSet::new));
        List<String> missing = new ArrayList<>();
        for (String metric : queried) {
          if (!"up".equals(metric) && !ONLY_AFTER_A_FAILURE.contains(metric) && !exposed.contains(metric)) {
            missing.add(metric);
          }
        }
        assertThat(missing).as("metrics queried by rules or dashboard but absent from /metrics:\n" + text).isEmpty();

        // The label values the alert rules select on.
        assertThat(Metrics.select(text, "cloneguard_mid_servers", "instance=dev", "status=down")).isNotEmpty();
        assertThat(Metrics.select(text, "cloneguard_preflight_warnings", "check=preservers")).isNotEmpty();
        assertThat(Metrics.select(text, "cloneguard_preflight_warnings", "check=own_account_preserved")).isNotEmpty();
        assertThat(Metrics.select(text, "cloneguard_mid_users", "instance=dev", "kind=expected")).isNotEmpty();
        assertThat(Metrics.select(text, "cloneguard_mid_users", "instance=dev", "kind=present")).isNotEmpty();
        assertThat(Metrics.select(text, "cloneguard_http_requests_seconds_count", "outcome=success")).isNotEmpty();
        assertThat(Metrics.select(text, "cloneguard_build_info")).isNotEmpty();
        assertThat(Metrics.parse(text).stream().filter(s -> s.name().equals("cloneguard_restore_writes_total")))
            .allSatisfy(s -> assertThat(s.labels()).containsKeys("instance", "table", "outcome"));
        assertThat(Metrics.parse(text))
            .as("no CloneGuard series carries a label named job, which would clash with Prometheus's target label")
            .noneMatch(s -> s.name().startsWith("cloneguard_") && s.labels().containsKey("job"));
        daemon.terminate(Duration.ofSeconds(20));
      }
    }
  }

  private static Set<String> queriedMetrics() throws IOException {
    Set<String> metrics = new TreeSet<>();
    for (JsonNode group : YAML.readTree(ROOT.resolve("deploy/prometheus/cloneguard-rules.yml").toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        metrics.addAll(PromQl.metricNames(rule.path("expr").asText()));
      }
    }
    for (JsonNode panel : JSON.readTree(ROOT.resolve("deploy/grafana/cloneguard.json").toFile()).path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        metrics.addAll(PromQl.metricNames(target.path("expr").asText()));
      }
    }
    return metrics;
  }
}
