package io.cloneguard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.StreamSupport;

/**
 * What can be seen from outside at one moment: the daemon's /status and /metrics, and the
 * simulated instances' state. The demo narrates only from these, never from what it expects.
 *
 * @param workflow dev's newest clone workflow in /status (in progress, else last finished), or null
 * @param cloneState the clone request's state on prod, as the simulator has it ("" before it exists)
 * @param midServersUp dev's MID Servers that are Up now
 * @param midServers dev's MID Servers in all
 * @param midUsersPresent users holding mid_server on dev now (from the simulator, not the daemon)
 * @param gapsByTable cloneguard_gaps{instance="dev"} per table
 * @param writesByTable cloneguard_restore_writes_total{instance="dev",outcome="ok"} per table
 */
record Observation(
    JsonNode workflow,
    String cloneState,
    long midServersUp,
    int midServers,
    int midUsersPresent,
    Map<String, Integer> gapsByTable,
    Map<String, Integer> writesByTable) {

  String workflowState() {
    return workflow == null ? "" : workflow.path("state").asText("");
  }

  boolean workflowReached(String... states) {
    String s = workflowState();
    for (String state : states) {
      if (state.equals(s)) {
        return true;
      }
    }
    return false;
  }

  String snapshotRef() {
    return workflow == null ? "" : workflow.path("snapshot").asText("");
  }

  int workflowGaps() {
    return workflow == null ? -1 : workflow.path("gaps").asInt(-1);
  }

  int workflowWrites() {
    return workflow == null ? 0 : workflow.path("writes").asInt(0);
  }

  static Optional<JsonNode> instance(JsonNode status, String name) {
    return StreamSupport.stream(status.path("instances").spliterator(), false).filter(i -> name.equals(i.path("name").asText())).findFirst();
  }

  /** The newest workflow of an instance's /status entry: the last in progress, else the last finished. */
  static JsonNode newestWorkflow(JsonNode instance) {
    JsonNode inProgress = instance.path("inProgress");
    if (inProgress.isArray() && inProgress.size() > 0) {
      return inProgress.get(inProgress.size() - 1);
    }
    JsonNode last = instance.path("lastFinished");
    return last.isObject() ? last : null;
  }

  static Map<String, Integer> byTable(String metrics, String name, String... labels) {
    Map<String, Integer> out = new TreeMap<>();
    for (Metrics.Sample s : Metrics.select(metrics, name, labels)) {
      int v = (int) Math.round(s.value());
      if (v > 0) {
        out.merge(s.labels().getOrDefault("table", "?"), v, Integer::sum);
      }
    }
    return out;
  }
}
