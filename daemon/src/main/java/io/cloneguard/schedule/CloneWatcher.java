package io.cloneguard.schedule;

import io.cloneguard.config.CloneRequestsConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.metrics.CloneGuardMetrics;
import io.cloneguard.servicenow.Record;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.TableQuery;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads clone requests on one watched (source) instance and keeps a workflow per request whose
 * target is a guarded instance. One small request per poll: only rows changed since the last one
 * seen ({@code sys_updated_on >= cursor}; {@code >=} rather than {@code >} because the field has
 * whole seconds, and a row changed in the same second as the last poll must not be missed; rows
 * seen again are no-ops). The watcher records the request's state; the engine acts on it.
 */
final class CloneWatcher {
  private static final Logger log = LoggerFactory.getLogger(CloneWatcher.class);
  static final DateTimeFormatter SN_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  private final WorkflowStore store;
  private final CloneRequestsConfig requests;
  private final List<InstanceConfig> guarded;
  private final CloneGuardMetrics metrics;
  private final AuditSink audit;
  private final DaemonOptions options;
  private final String node;
  private final Clock clock;

  CloneWatcher(WorkflowStore store, CloneRequestsConfig requests, List<InstanceConfig> guarded, CloneGuardMetrics metrics, AuditSink audit,
      DaemonOptions options, String node) {
    this.store = store;
    this.requests = requests;
    this.guarded = guarded;
    this.metrics = metrics;
    this.audit = audit;
    this.options = options;
    this.node = node;
    this.clock = options.clock();
  }

  /** Polls once; ServiceNowException propagates to the job, which counts it and tries again next time. */
  void poll(InstanceConfig source, ServiceNowClient client) {
    String cursorName = "watch:" + source.name() + ":" + requests.table();
    String since = store.cursor(cursorName)
        .orElseGet(() -> SN_TIME.format(LocalDateTime.ofInstant(clock.instant().minus(options.watchLookback()), ZoneOffset.UTC)));
    CloneRequestsConfig.Fields f = requests.fields();
    String target = f.targetInstance();
    TableQuery q = TableQuery.of(requests.table(), "sys_updated_on>=" + since + "^ORDERBYsys_updated_on").withDisplayValues()
        .withFields("sys_id", "sys_updated_on", f.state(), target, target + ".instance_name", target + ".instance_url", f.scheduled(),
            f.started(), f.completed(), "message");
    List<Record> rows = client.list(q);
    metrics.instanceUp(source.name(), true);
    metrics.pollSucceeded(source.name(), clock.instant());
    String newest = since;
    for (Record row : rows) {
      String updated = row.get("sys_updated_on");
      if (!updated.isEmpty() && updated.compareTo(since) < 0) {
        // The guard TableQuery cannot express: a dropped query part would return old rows. Skip them.
        log.warn("{}: {} row {} changed at {} is older than the cursor {}; the sys_updated_on condition was ignored?",
            source.name(), requests.table(), row.sysId(), updated, since);
        continue;
      }
      if (updated.compareTo(newest) > 0) {
        newest = updated;
      }
      handle(source, row);
    }
    if (!newest.equals(since)) {
      store.saveCursor(cursorName, newest);
    }
  }

  private void handle(InstanceConfig source, Record row) {
    CloneRequestsConfig.Fields f = requests.fields();
    Optional<InstanceConfig> target = matchTarget(row);
    if (target.isEmpty()) {
      log.debug("{}: clone request {} targets {}, which is not guarded", source.name(), row.sysId(), row.display(f.targetInstance()));
      return;
    }
    String stateText = row.get(f.state()).isEmpty() ? row.display(f.state()) : row.get(f.state());
    CloneState state = CloneState.parse(row.get(f.state()), row.display(f.state()));
    String stateLabel = state == CloneState.UNKNOWN ? stateText : state.name();
    Instant scheduled = parseTime(row.get(f.scheduled()));
    String id = "clone:" + source.name() + ":" + row.sysId() + ":" + target.get().name();
    Optional<Workflow> existing = store.find(id);
    if (existing.isEmpty()) {
      create(source, target.get(), row, id, state, stateLabel, scheduled);
      return;
    }
    Workflow w = existing.get();
    if (stateLabel.equals(w.cloneState()) && java.util.Objects.equals(scheduled, w.cloneScheduled())) {
      return;
    }
    for (int attempt = 0; attempt < 3; attempt++) {
      Instant now = clock.instant();
      boolean reopen = w.state().terminal() && (state == CloneState.ROLLED_BACK || state == CloneState.ROLLBACK_FAILURE);
      Workflow next = w.withClone(stateLabel, scheduled);
      next = reopen ? next.withState(WorkflowState.ROLLED_BACK, now, node).withReason("clone request " + stateText + "; re-verifying")
          : new Workflow(next.id(), next.target(), next.source(), next.cloneSysId(), next.kind(), next.state(), next.cloneState(),
              next.cloneScheduled(), next.snapshotRef(), next.snapshotFallback(), next.snapshotRefreshed(), next.settlePolls(), next.gaps(),
              next.writes(), next.verdict(), next.reason(), next.created(), next.stateSince(), now, next.node(), next.version());
      String detail = "clone request " + row.sysId() + " is " + stateText;
      if (store.update(next, w.state(), detail)) {
        log.info("{}: clone request {} for {} is now {}", source.name(), row.sysId(), w.target(), stateText);
        if (reopen) {
          log.info("{}: workflow {} {} -> ROLLED_BACK: {}", w.target(), w.id(), w.state(), detail);
          metrics.transition(w.target(), WorkflowState.ROLLED_BACK.label());
          audit.record(w.target(), requests.table(), row.sysId(), "workflow:rolled_back", "ok", w.snapshotRef(), null,
              w.state() + " -> ROLLED_BACK: " + detail);
        }
        return;
      }
      Optional<Workflow> fresh = store.find(id);
      if (fresh.isEmpty()) {
        return;
      }
      w = fresh.get();
    }
    log.warn("{}: could not record the state of clone request {} after 3 attempts; will retry next poll", source.name(), row.sysId());
  }

  private void create(InstanceConfig source, InstanceConfig target, Record row, String id, CloneState state, String stateLabel, Instant scheduled) {
    Instant now = clock.instant();
    boolean finished = state == CloneState.COMPLETED || state == CloneState.ERROR || state == CloneState.CANCELED || state.rollback();
    if (state == CloneState.CANCELED) {
      return; // first seen already canceled: nothing happened to the target
    }
    if (finished) {
      Instant changed = parseTime(row.get("sys_updated_on"));
      if (changed != null && changed.isBefore(now.minus(options.finishedRequestHorizon()))) {
        log.debug("{}: clone request {} finished at {}, before the horizon; ignored", source.name(), row.sysId(), changed);
        return;
      }
    }
    Workflow w = new Workflow(id, target.name(), source.name(), row.sysId(), WorkflowKind.ANNOUNCED, WorkflowState.DETECTED, stateLabel,
        scheduled, null, false, false, 0, -1, 0, null, null, now, now, now, node, 0);
    String detail = "clone request " + row.sysId() + " on " + source.name() + " (" + stateLabel + (scheduled == null ? "" : ", scheduled " + scheduled)
        + ") targets " + target.name();
    if (store.insertIfAbsent(w, detail)) {
      log.info("{}: workflow {} DETECTED: {}", target.name(), id, detail);
      metrics.cloneDetected(target.name());
      metrics.transition(target.name(), WorkflowState.DETECTED.label());
      audit.record(target.name(), requests.table(), row.sysId(), "workflow:detected", "ok", null, null, detail);
    }
  }

  /** The guarded instance the request's target reference points at, by instance URL, instance name or display value. */
  Optional<InstanceConfig> matchTarget(Record row) {
    String field = requests.fields().targetInstance();
    String url = row.get(field + ".instance_url");
    String name = row.get(field + ".instance_name");
    String display = row.displayValues().getOrDefault(field, "");
    String raw = row.get(field);
    for (InstanceConfig g : guarded) {
      String host = hostPort(g.url());
      String firstLabel = g.url().getHost() == null ? "" : g.url().getHost().split("\\.")[0];
      if (!url.isEmpty() && host.equalsIgnoreCase(hostPort(safeUri(url)))) {
        return Optional.of(g);
      }
      for (String candidate : List.of(name, display, raw)) {
        if (!candidate.isEmpty()
            && (candidate.equalsIgnoreCase(g.name()) || candidate.equalsIgnoreCase(firstLabel) || candidate.equalsIgnoreCase(host)
                || host.equalsIgnoreCase(hostPort(safeUri(candidate))))) {
          return Optional.of(g);
        }
      }
    }
    return Optional.empty();
  }

  private static URI safeUri(String text) {
    try {
      String t = text.strip();
      return URI.create(t.contains("://") ? t : "https://" + t);
    } catch (IllegalArgumentException e) {
      return URI.create("invalid://invalid");
    }
  }

  private static String hostPort(URI u) {
    if (u == null || u.getHost() == null) {
      return "";
    }
    int port = u.getPort();
    boolean defaultPort = port == -1 || (port == 443 && "https".equals(u.getScheme())) || (port == 80 && "http".equals(u.getScheme()));
    return u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
  }

  static Instant parseTime(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return LocalDateTime.parse(text.strip(), SN_TIME).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
