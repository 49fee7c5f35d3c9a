package io.cloneguard.schedule;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.metrics.CloneGuardMetrics;
import io.cloneguard.servicenow.ServiceNowClient;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Everything the jobs of one daemon share; handed to them by the daemon's Quartz JobFactory. */
final class DaemonRuntime {
  private final CloneGuardConfig config;
  private final DaemonOptions options;
  private final WorkflowStore store;
  private final GuardOperations operations;
  private final Map<String, ServiceNowClient> clients;
  private final CloneGuardMetrics metrics;
  private final CloneWatcher watcher;
  private final InstanceGuard guard;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicLong lastGaugeRefresh = new AtomicLong();
  private final Map<String, String> lastFailures = new java.util.concurrent.ConcurrentHashMap<>();

  DaemonRuntime(CloneGuardConfig config, DaemonOptions options, WorkflowStore store, GuardOperations operations,
      Map<String, ServiceNowClient> clients, CloneGuardMetrics metrics, AuditSink audit, String node) {
    this.config = config;
    this.options = options;
    this.store = store;
    this.operations = operations;
    this.clients = Map.copyOf(clients);
    this.metrics = metrics;
    this.watcher = new CloneWatcher(store, config.cloneRequests(), config.guarded(), metrics, audit, options, node);
    WorkflowEngine engine = new WorkflowEngine(store, operations, metrics, audit, config.schedule(), options, config.cloneRequests().table(), node,
        stopping::get);
    this.guard = new InstanceGuard(store, operations, engine, metrics, audit, node, options.clock());
  }

  CloneGuardConfig config() {
    return config;
  }

  DaemonOptions options() {
    return options;
  }

  Clock clock() {
    return options.clock();
  }

  WorkflowStore store() {
    return store;
  }

  GuardOperations operations() {
    return operations;
  }

  CloneGuardMetrics metrics() {
    return metrics;
  }

  CloneWatcher watcher() {
    return watcher;
  }

  InstanceGuard guard() {
    return guard;
  }

  /** The last error of each failing job ("watch prod" -> message), so a repeated failure is logged once. */
  Map<String, String> lastFailures() {
    return lastFailures;
  }

  boolean stopping() {
    return stopping.get();
  }

  void stop() {
    stopping.set(true);
  }

  InstanceConfig instance(String name) {
    return config.instance(name).orElseThrow(() -> new IllegalStateException("instance " + name + " is no longer configured"));
  }

  ServiceNowClient client(String name) {
    ServiceNowClient c = clients.get(name);
    if (c == null) {
      throw new IllegalStateException("no client for instance " + name);
    }
    return c;
  }

  /** Recomputes cloneguard_clone_workflows; at most once a second however many instances tick. */
  void refreshWorkflowGauges() {
    long now = System.nanoTime();
    long last = lastGaugeRefresh.get();
    if (last != 0 && now - last < 1_000_000_000L) {
      return;
    }
    lastGaugeRefresh.set(now);
    Instant since = clock().instant().minus(options.workflowGaugeWindow());
    Map<String, Map<String, Long>> counts = new HashMap<>();
    for (InstanceConfig g : config.guarded()) {
      counts.put(g.name(), new HashMap<>());
    }
    List<Workflow> seen = new ArrayList<>(store.unfinished(null));
    for (Workflow w : store.updatedSince(since)) {
      if (w.state().terminal()) {
        seen.add(w);
      }
    }
    for (Workflow w : seen) {
      counts.computeIfAbsent(w.target(), k -> new HashMap<>()).merge(w.state().label(), 1L, Long::sum);
    }
    List<String> states = EnumSet.allOf(WorkflowState.class).stream().map(WorkflowState::label).toList();
    metrics.workflows(counts, states);
  }
}
