package io.cloneguard.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private PrometheusMeterRegistry registry;
  private CloneGuardMetrics metrics;
  private final List<String> healthProblems = new ArrayList<>();
  private final List<String> readyProblems = new ArrayList<>();
  private MetricsServer server;

  @BeforeEach
  void start() {
    registry = MetricsRegistries.create("1.2.3", "abc1234");
    metrics = new CloneGuardMetrics(registry);
    server = MetricsServer.start("127.0.0.1:0", registry, () -> List.copyOf(healthProblems), () -> List.copyOf(readyProblems),
        () -> Map.of("instances", List.of(Map.of("name", "dev"))));
  }

  @AfterEach
  void stop() {
    server.close();
    registry.close();
  }

  private HttpResponse<String> get(String path, String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(5));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void rendersEveryContractNameWithItsLabels() throws Exception {
    Instant t = Instant.parse("2026-12-04T10:00:00Z");
    metrics.instanceUp("dev", true);
    metrics.pollSucceeded("dev", t);
    metrics.snapshotSucceeded("dev", t, Duration.ofMillis(1500));
    metrics.cloneDetected("dev");
    metrics.workflowFailed("dev");
    metrics.gaps("dev", Map.of("sys_user", 2));
    metrics.midUsers("dev", 5, 3);
    metrics.restoreSucceeded("dev", t);
    metrics.midServers("dev", 2, 1);
    metrics.preflightWarning("dev", "own_account_preserved", true);
    metrics.workflows(Map.of("dev", Map.of("clone_running", 1L)), List.of("clone_running", "done"));
    Counter.builder("cloneguard.restore.writes").tags("instance", "dev", "table", "sys_user", "outcome", "ok").register(registry).increment();

    String body = get("/metrics", null).body();

    double at = t.getEpochSecond();
    assertThat(body).contains("cloneguard_build_info{commit=\"abc1234\",version=\"1.2.3\"} 1");
    assertThat(value(body, "cloneguard_instance_up{instance=\"dev\"}")).isEqualTo(1);
    assertThat(value(body, "cloneguard_last_poll_success_timestamp_seconds{instance=\"dev\"}")).isEqualTo(at);
    assertThat(value(body, "cloneguard_snapshot_last_success_timestamp_seconds{instance=\"dev\"}")).isEqualTo(at);
    assertThat(value(body, "cloneguard_snapshot_duration_seconds_count{instance=\"dev\"}")).isEqualTo(1);
    assertThat(value(body, "cloneguard_snapshot_duration_seconds_sum{instance=\"dev\"}")).isEqualTo(1.5);
    assertThat(value(body, "cloneguard_clone_workflows{instance=\"dev\",state=\"clone_running\"}")).isEqualTo(1);
    assertThat(value(body, "cloneguard_clone_workflows{instance=\"dev\",state=\"done\"}")).isEqualTo(0);
    assertThat(value(body, "cloneguard_clone_detected_total{instance=\"dev\"}")).isEqualTo(1);
    assertThat(value(body, "cloneguard_clone_workflow_failures_total{instance=\"dev\"}")).isEqualTo(1);
    assertThat(value(body, "cloneguard_gaps{instance=\"dev\",table=\"sys_user\"}")).isEqualTo(2);
    assertThat(value(body, "cloneguard_mid_users{instance=\"dev\",kind=\"expected\"}")).isEqualTo(5);
    assertThat(value(body, "cloneguard_mid_users{instance=\"dev\",kind=\"present\"}")).isEqualTo(3);
    assertThat(value(body, "cloneguard_restore_writes_total{instance=\"dev\",outcome=\"ok\",table=\"sys_user\"}")).isEqualTo(1);
    assertThat(value(body, "cloneguard_restore_last_success_timestamp_seconds{instance=\"dev\"}")).isEqualTo(at);
    assertThat(value(body, "cloneguard_mid_servers{instance=\"dev\",status=\"up\"}")).isEqualTo(2);
    assertThat(value(body, "cloneguard_mid_servers{instance=\"dev\",status=\"down\"}")).isEqualTo(1);
    assertThat(value(body, "cloneguard_preflight_warnings{check=\"own_account_preserved\",instance=\"dev\"}")).isEqualTo(1);
    assertThat(body).contains("jvm_memory_used_bytes").contains("process_cpu_usage");
  }

  /** The sample value of one series in Prometheus text format; fails when the series is absent. */
  static double value(String body, String series) {
    return body.lines().filter(l -> l.startsWith(series + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(series.length() + 1).split(" ")[0]))
        .orElseThrow(() -> new AssertionError("no series " + series + " in:\n" + body));
  }

  @Test
  void servesOpenMetricsWhenAskedFor() throws Exception {
    metrics.cloneDetected("dev");
    HttpResponse<String> r = get("/metrics", "application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/openmetrics-text");
    assertThat(r.body()).contains("cloneguard_clone_detected_total{instance=\"dev\"} 1.0").endsWith("# EOF\n");
  }

  @Test
  void healthAndReadinessFollowTheirProbes() throws Exception {
    assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
    readyProblems.add("no successful poll of any instance yet");
    HttpResponse<String> notReady = get("/readyz", null);
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).contains("no successful poll");
    readyProblems.clear();
    assertThat(get("/readyz", null).statusCode()).isEqualTo(200);
    healthProblems.add("scheduler not running");
    assertThat(get("/healthz", null).statusCode()).isEqualTo(503);
  }

  @Test
  void statusIsJsonAndUnknownPathsAre404() throws Exception {
    HttpResponse<String> status = get("/status", null);
    assertThat(status.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(status.body()).contains("\"name\" : \"dev\"");
    assertThat(get("/nope", null).statusCode()).isEqualTo(404);
  }
}
