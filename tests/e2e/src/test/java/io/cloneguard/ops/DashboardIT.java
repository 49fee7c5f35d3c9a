package io.cloneguard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/grafana/cloneguard.json: valid dashboard JSON whose queries use documented metrics and parse as PromQL. */
class DashboardIT {
  private static final Path ROOT = OpsEnv.root();
  private static final Path DASHBOARD = ROOT.resolve("deploy/grafana/cloneguard.json");

  private static JsonNode dashboard;
  private static List<JsonNode> panels;

  @BeforeAll
  static void parse() throws IOException {
    // Strict parse: trailing commas, comments or duplicate keys would make Grafana's import fail too.
    ObjectMapper strict = new ObjectMapper().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    dashboard = strict.readTree(DASHBOARD.toFile());
    panels = new ArrayList<>();
    dashboard.path("panels").forEach(panels::add);
  }

  @Test
  void isADashboardWithSchemaVersionUidAndAnInstanceVariable() {
    assertThat(dashboard.path("schemaVersion").isInt()).as("schemaVersion is a number").isTrue();
    assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(30);
    assertThat(dashboard.path("uid").asText()).isEqualTo("cloneguard");
    assertThat(dashboard.path("title").asText()).isNotBlank();
    JsonNode instance = null;
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if ("instance".equals(variable.path("name").asText())) {
        instance = variable;
      }
    }
    assertThat(instance).as("templating variable 'instance'").isNotNull();
    assertThat(instance.path("type").asText()).isEqualTo("query");
    assertThat(instance.path("query").path("query").asText()).contains("label_values(cloneguard_", ", instance)");
    assertThat(instance.path("multi").asBoolean()).isTrue();
  }

  @Test
  void hasTheRequiredPanels() {
    List<String> titles = panels.stream().map(p -> p.path("title").asText()).toList();
    assertThat(titles)
        .anyMatch(t -> t.contains("MID users expected / present"))
        .anyMatch(t -> t.contains("MID Servers up / down"))
        .anyMatch(t -> t.contains("workflow state"))
        .anyMatch(t -> t.contains("Snapshot age"))
        .anyMatch(t -> t.contains("HTTP latency"))
        .anyMatch(t -> t.contains("HTTP errors"));
    assertThat(exprsOf("MID users expected / present")).anyMatch(e -> e.contains("cloneguard_mid_users"));
    assertThat(exprsOf("MID Servers up / down")).anyMatch(e -> e.contains("cloneguard_mid_servers"));
    assertThat(exprsOf("Clone workflow state")).anyMatch(e -> e.contains("cloneguard_clone_workflows"));
    assertThat(exprsOf("Snapshot age")).anyMatch(e -> e.contains("time() - cloneguard_snapshot_last_success_timestamp_seconds"));
    assertThat(exprsOf("HTTP latency")).anyMatch(e -> e.contains("cloneguard_http_requests_seconds_sum"));
    assertThat(exprsOf("HTTP errors")).anyMatch(e -> e.contains("outcome!=\"success\""));
  }

  @Test
  void everyPanelHasAUniqueIdAPositionAndQueries() {
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : panels) {
      String title = panel.path("title").asText();
      assertThat(ids.add(panel.path("id").asInt())).as("unique id of " + title).isTrue();
      JsonNode pos = panel.path("gridPos");
      assertThat(pos.path("w").asInt()).as(title + " width").isBetween(1, 24);
      assertThat(pos.path("x").asInt() + pos.path("w").asInt()).as(title + " right edge").isLessThanOrEqualTo(24);
      assertThat(pos.path("h").asInt()).as(title + " height").isPositive();
      if (!"row".equals(panel.path("type").asText())) {
        assertThat(panel.path("targets")).as(title + " targets").isNotEmpty();
        panel.path("targets").forEach(t -> assertThat(t.path("expr").asText()).as(title + " expr").isNotBlank());
      }
    }
  }

  @Test
  void panelsDoNotOverlap() {
    List<int[]> boxes = new ArrayList<>();
    for (JsonNode panel : panels) {
      JsonNode p = panel.path("gridPos");
      int[] box = {p.path("x").asInt(), p.path("y").asInt(), p.path("w").asInt(), p.path("h").asInt()};
      for (int[] other : boxes) {
        boolean overlap = box[0] < other[0] + other[2] && other[0] < box[0] + box[2]
            && box[1] < other[1] + other[3] && other[1] < box[1] + box[3];
        assertThat(overlap).as(panel.path("title").asText() + " overlaps another panel").isFalse();
      }
      boxes.add(box);
    }
  }

  @Test
  void everyQueryUsesOnlyDocumentedMetricsAndPerInstanceOnesFilterByTheVariable() {
    Set<String> documented = PromQl.documentedMetrics(ROOT);
    for (String expr : allExprs()) {
      Set<String> metrics = PromQl.metricNames(expr);
      assertThat(metrics).as("metrics in " + expr).isNotEmpty();
      for (String metric : metrics) {
        assertThat(PromQl.isDocumented(metric, documented))
            .as(metric + " in " + expr + " is not in docs/operations.md's metrics reference")
            .isTrue();
        if (metric.startsWith("cloneguard_")) {
          assertThat(expr).as("per-instance query filters by $instance: " + expr).contains("instance=~\"$instance\"");
        }
      }
    }
  }

  /** Grafana's variables replaced by sample values, each query must parse as PromQL (promtool checks rules). */
  @Test
  void everyQueryIsValidPromQl(@TempDir Path tmp) throws IOException {
    Path promtool = OpsEnv.requireTool("promtool", "apt-get install prometheus; .ci/run does it in CI");
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    int n = 0;
    for (String expr : allExprs()) {
      String concrete = expr.replace("$__rate_interval", "5m").replace("$instance", "dev|prod");
      rules.append("      - record: dashboard:query_").append(++n).append('\n')
          .append("        expr: '").append(concrete.replace("'", "''")).append("'\n");
    }
    Path file = tmp.resolve("dashboard-queries.yml");
    Files.writeString(file, rules);
    OpsEnv.Result result = OpsEnv.run(tmp, List.of(promtool.toString(), "check", "rules", file.toString()));
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS: " + n + " rules found");
  }

  private static List<String> allExprs() {
    List<String> exprs = new ArrayList<>();
    panels.forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
    return exprs;
  }

  private static List<String> exprsOf(String titlePart) {
    List<String> exprs = new ArrayList<>();
    panels.stream()
        .filter(p -> p.path("title").asText().contains(titlePart))
        .forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
    return exprs;
  }
}
