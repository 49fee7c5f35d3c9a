package io.cloneguard.restore;

import static io.cloneguard.restore.Tables.GRANTS;
import static io.cloneguard.restore.Tables.GROUPS;
import static io.cloneguard.restore.Tables.GROUP_ROLES;
import static io.cloneguard.restore.Tables.MEMBERSHIPS;
import static io.cloneguard.restore.Tables.USERS;

import io.cloneguard.config.Secret;
import io.cloneguard.config.SecretMask;
import io.cloneguard.restore.RestoreStep.Action;
import io.cloneguard.restore.RestoreStep.Phase;
import io.cloneguard.servicenow.Record;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.ServiceNowException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Carries out a restore plan, phase by phase, the writes of a phase in parallel (up to the
 * configured concurrency). Before each phase it re-reads what the phase touches, so a step whose
 * record is already there writes nothing: rerunning a plan, or a new plan after an interrupted
 * run, never duplicates a row. Every write is audited before and after. A failure stops only the
 * steps that depend on it; a dead instance stops the run; nothing is ever deleted.
 */
public final class RestoreExecutor {
  /** The Micrometer counter, exposed to Prometheus as {@code cloneguard_restore_writes_total}. */
  public static final String WRITES_METRIC = "cloneguard.restore.writes";
  private static final int FAILURE_LINES = 20;
  private static final String REFUSED = "403 forbidden on ";

  private final AuditLog audit;
  private final MeterRegistry registry;
  private final Clock clock;
  private final int concurrency;

  public RestoreExecutor(AuditLog audit, MeterRegistry registry, Clock clock) {
    this(audit, registry, clock, 4);
  }

  /** @param concurrency parallel writes within a phase; use {@code http.concurrency} so the client's bulkhead is the only limit */
  public RestoreExecutor(AuditLog audit, MeterRegistry registry, Clock clock, int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1 (got " + concurrency + ")");
    }
    this.audit = audit;
    this.registry = registry == null ? new SimpleMeterRegistry() : registry;
    this.clock = clock;
    this.concurrency = concurrency;
  }

  public RestoreResult execute(RestorePlan plan, ServiceNowClient client, PasswordEscrow escrow) {
    return new Run(plan, client, escrow).execute();
  }

  /** The state of one execution. */
  private final class Run {
    private final RestorePlan plan;
    private final ServiceNowClient client;
    private final PasswordEscrow escrow;
    private final String instance;
    /** sys_ids the plan meant to create that do not exist: their dependents are blocked. */
    private final Set<String> unavailable = ConcurrentHashMap.newKeySet();
    /** Tables that answered 403 to a write: the rest of their steps are not attempted. */
    private final Map<String, String> forbidden = new ConcurrentHashMap<>();
    /** Why the whole run stopped (instance gone, authentication, interrupted, audit log unwritable). */
    private final AtomicReference<String> stopped = new AtomicReference<>();
    private final Map<RestoreStep, StepOutcome> outcomes = new ConcurrentHashMap<>();
    private final List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger written = new AtomicInteger();
    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(concurrency);

    Run(RestorePlan plan, ServiceNowClient client, PasswordEscrow escrow) {
      this.plan = plan;
      this.client = client;
      this.escrow = escrow;
      this.instance = plan.instance();
    }

    RestoreResult execute() {
      warnings.addAll(plan.notes());
      if (!plan.isEmpty() || !plan.failures().isEmpty()) {
        audit(null, null, "restore", AuditEntry.STARTED, plan.steps().size() + " step(s) planned from snapshot " + plan.snapshotRef());
      }
      // Twice as many threads as writes in flight: while some wait for a response, others audit and fsync,
      // so the instance always has `concurrency` writes to work on. The semaphore is the real limit.
      ExecutorService pool = Executors.newFixedThreadPool(2 * concurrency, threads(instance));
      try {
        for (Phase phase : Phase.values()) {
          List<RestoreStep> steps = plan.steps(phase);
          if (!steps.isEmpty()) {
            runPhase(phase, steps, pool);
          }
        }
      } finally {
        pool.shutdownNow();
      }
      RestoreResult result = result();
      if (!plan.isEmpty() || !plan.failures().isEmpty()) {
        audit(null, null, "restore", result.ok() ? AuditEntry.OK : AuditEntry.FAILED,
            result.written() + " written, " + result.skipped() + " already present, " + result.failures().size() + " failure(s)");
      }
      return result;
    }

    private void runPhase(Phase phase, List<RestoreStep> steps, ExecutorService pool) {
      if (stopped.get() != null) {
        steps.forEach(s -> notAttempted(s, stopped.get()));
        return;
      }
      Live live;
      try {
        live = Live.read(client, phase, steps);
      } catch (ServiceNowException e) {
        String reason = "cannot read " + e.table() + " on " + instance + " to check what is already there: " + message(e);
        if (isFatal(e)) {
          stopped.compareAndSet(null, reason);
        }
        steps.forEach(s -> fail(s, reason, false));
        return;
      }
      List<Future<?>> futures = new ArrayList<>(steps.size());
      for (RestoreStep step : steps) {
        futures.add(pool.submit(() -> runStep(step, live)));
      }
      boolean interrupted = false;
      for (Future<?> future : futures) {
        while (true) {
          try {
            future.get();
            break;
          } catch (InterruptedException e) {
            // Stop starting writes, but let the ones in flight finish and be audited.
            interrupted = true;
            stopped.compareAndSet(null, "the restore was interrupted");
          } catch (ExecutionException e) {
            break; // runStep records its own outcome; this is a bug guard only
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    private void runStep(RestoreStep step, Live live) {
      try {
        String stop = stopped.get();
        if (stop != null || Thread.currentThread().isInterrupted()) {
          notAttempted(step, stop == null ? "the restore was interrupted" : stop);
          return;
        }
        String refusal = forbidden.get(step.table());
        if (refusal != null) {
          notAttempted(step, refusal);
          return;
        }
        Optional<String> lost = step.requires().stream().filter(unavailable::contains).findFirst();
        if (lost.isPresent()) {
          unavailable.add(step.sysId());
          record(step, StepOutcome.BLOCKED, "needs " + lost.get() + ", which was not restored", AuditEntry.SKIPPED, "skipped");
          return;
        }
        switch (step.action()) {
          case INSERT -> insert(step, live);
          case PATCH -> patch(step, live);
          case SET_PASSWORD -> setPassword(step, live);
        }
      } catch (RuntimeException unexpected) {
        fail(step, "unexpected error: " + message(unexpected), true);
      }
    }

    private void insert(RestoreStep step, Live live) {
      if (live.exists(step.sysId())) {
        skip(step, "already present");
        return;
      }
      Optional<Record> sameName = live.sameName(step);
      if (sameName.isPresent()) {
        fail(step, "conflict: " + step.table() + " '" + step.name() + "' now exists on " + instance + " with another sys_id ("
            + sameName.get().sysId() + "); not overwritten", true);
        return;
      }
      Optional<Record> sameLink = live.sameLink(step);
      if (sameLink.isPresent()) {
        skip(step, "already present as " + sameLink.get().sysId());
        return;
      }
      write(step, () -> {
        Record stored = client.insert(step.table(), step.values());
        if (!step.sysId().equals(stored.sysId())) {
          unavailable.add(step.sysId());
          return "the platform stored it as " + stored.sysId() + " instead of " + step.sysId() + "; references to " + step.sysId() + " will not resolve";
        }
        return null;
      });
    }

    private void patch(RestoreStep step, Live live) {
      Record current = live.byId.get(step.sysId());
      if (current == null) {
        fail(step, step.table() + " '" + step.name() + "' (" + step.sysId() + ") no longer exists on " + instance, true);
        return;
      }
      Map<String, String> fields = new LinkedHashMap<>();
      step.values().forEach((field, value) -> {
        if (!value.equalsIgnoreCase(current.get(field))) {
          fields.put(field, value);
        }
      });
      if (fields.isEmpty()) {
        skip(step, "already as in the snapshot");
        return;
      }
      write(step, () -> {
        client.patch(step.table(), step.sysId(), fields);
        return null;
      });
    }

    private void setPassword(RestoreStep step, Live live) {
      if (!live.exists(step.sysId())) {
        unavailable.add(step.sysId());
        record(step, StepOutcome.BLOCKED, "user '" + step.name() + "' does not exist on " + instance, AuditEntry.SKIPPED, "skipped");
        return;
      }
      Optional<Secret> password = escrow == null ? Optional.empty() : escrow.get(instance, step.name());
      if (password.isEmpty()) {
        warnings.add(RestorePlanner.passwordNote(instance, step.name()));
        record(step, StepOutcome.SKIPPED, "no escrowed password", AuditEntry.SKIPPED, "skipped");
        return;
      }
      write(step, () -> {
        client.setPassword(step.sysId(), password.get());
        return null;
      });
    }

    /** Audits, writes, audits. {@code call} returns null on success or a reason the write did not do what the plan needs. */
    private void write(RestoreStep step, java.util.function.Supplier<String> call) {
      try {
        audit(step.table(), step.sysId(), step.action().auditName(), AuditEntry.STARTED, step.name());
      } catch (RestoreException e) {
        stopped.compareAndSet(null, message(e));
        notAttempted(step, message(e));
        return;
      }
      String problem;
      try {
        inFlight.acquireUninterruptibly();
        try {
          problem = call.get();
        } finally {
          inFlight.release();
        }
      } catch (ServiceNowException e) {
        if (e instanceof ServiceNowException.Forbidden) {
          String refusal = REFUSED + step.action().auditName() + " into " + step.table() + ": " + message(e);
          forbidden.putIfAbsent(step.table(), refusal);
          fail(step, refusal, true);
          return;
        }
        if (isFatal(e)) {
          stopped.compareAndSet(null, message(e));
        }
        fail(step, message(e), true);
        return;
      }
      written.incrementAndGet();
      if (problem != null) {
        fail(step, problem, true);
      } else {
        record(step, StepOutcome.OK, null, AuditEntry.OK, "ok");
      }
    }

    private void skip(RestoreStep step, String why) {
      record(step, StepOutcome.SKIPPED, why, AuditEntry.SKIPPED, "skipped");
    }

    private void fail(RestoreStep step, String why, boolean audited) {
      unavailable.add(step.sysId());
      record(step, StepOutcome.FAILED, why, audited ? AuditEntry.FAILED : null, "failed");
    }

    private void notAttempted(RestoreStep step, String why) {
      unavailable.add(step.sysId());
      record(step, StepOutcome.NOT_ATTEMPTED, why, null, "failed");
    }

    private void record(RestoreStep step, String outcome, String detail, String auditOutcome, String metricOutcome) {
      outcomes.put(step, new StepOutcome(step, outcome, detail == null ? null : SecretMask.mask(detail)));
      registry.counter(WRITES_METRIC, "instance", instance, "table", step.table(), "outcome", metricOutcome).increment();
      if (auditOutcome != null) {
        try {
          audit(step.table(), step.sysId(), step.action().auditName(), auditOutcome, detail == null ? step.name() : step.name() + ": " + detail);
        } catch (RestoreException e) {
          stopped.compareAndSet(null, message(e));
        }
      }
    }

    private void audit(String table, String sysId, String action, String outcome, String detail) {
      audit.append(new AuditEntry(clock.instant(), instance, table, sysId, action, outcome, plan.snapshotId(), plan.id(), detail));
    }

    private RestoreResult result() {
      List<StepOutcome> ordered = plan.steps().stream().map(s -> outcomes.getOrDefault(s, new StepOutcome(s, StepOutcome.NOT_ATTEMPTED, "not reached"))).toList();
      int skipped = (int) ordered.stream().filter(o -> o.outcome().equals(StepOutcome.SKIPPED)).count();
      List<String> failures = new ArrayList<>(plan.failures());

      // One line per cause rather than one per row: a refused table or a stopped run can affect thousands.
      Map<String, Long> byRefusal = new LinkedHashMap<>();
      Map<String, Long> notAttempted = new LinkedHashMap<>();
      Map<String, List<StepOutcome>> failed = new LinkedHashMap<>();
      for (StepOutcome o : ordered) {
        String table = o.step().table();
        boolean refused = o.detail() != null && o.detail().startsWith(REFUSED);
        if (refused && (o.outcome().equals(StepOutcome.FAILED) || o.outcome().equals(StepOutcome.NOT_ATTEMPTED))) {
          byRefusal.merge(table, 1L, Long::sum);
        } else if (o.outcome().equals(StepOutcome.NOT_ATTEMPTED)) {
          notAttempted.merge(o.detail(), 1L, Long::sum);
        } else if (o.outcome().equals(StepOutcome.FAILED)) {
          failed.computeIfAbsent(table + "\n" + o.detail(), k -> new ArrayList<>()).add(o);
        }
      }
      byRefusal.forEach((table, count) -> failures.add(String.format(
          "%s: %s; %d %s not restored. Give the CloneGuard account write access to %s on %s, then rerun restore.",
          table, forbidden.get(table), count, count == 1 ? "row" : "rows", table, instance)));
      int lines = 0;
      for (List<StepOutcome> same : failed.values()) {
        if (lines++ == FAILURE_LINES) {
          failures.add("and more failed steps; the audit log has each one");
          break;
        }
        StepOutcome first = same.get(0);
        if (same.size() == 1) {
          failures.add(first.step().describe() + ": " + first.detail());
        } else {
          String names = same.stream().limit(3).map(o -> "'" + o.step().name() + "'").collect(Collectors.joining(", "));
          failures.add(String.format("%s: %d rows failed (%s%s): %s", first.step().table(), same.size(), names,
              same.size() > 3 ? ", ..." : "", first.detail()));
        }
      }
      notAttempted.forEach((why, count) -> failures.add(String.format(
          "%s: %d step(s) not attempted; rerun restore when %s answers again (it redoes nothing already written)", why, count, instance)));
      long blocked = ordered.stream().filter(o -> o.outcome().equals(StepOutcome.BLOCKED)).count();
      if (blocked > 0 && !failures.isEmpty()) {
        failures.add(blocked + " step(s) skipped because a record they need was not restored");
      } else if (blocked > 0) {
        warnings.add(blocked + " step(s) skipped because a record they need does not exist on " + instance);
      }
      return new RestoreResult(plan.id(), written.get(), skipped, failures, List.copyOf(new java.util.LinkedHashSet<>(warnings)), ordered);
    }
  }

  /** Instance-wide failures: nothing else will get through either. */
  private static boolean isFatal(ServiceNowException e) {
    return e instanceof ServiceNowException.Unreachable
        || e instanceof ServiceNowException.Unavailable
        || e instanceof ServiceNowException.AuthenticationFailed;
  }

  private static String message(RuntimeException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return SecretMask.mask(m);
  }

  private static ThreadFactory threads(String instance) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "cloneguard-restore-" + instance + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** What the live instance has, for the records one phase is about to write. */
  private static final class Live {
    final Map<String, Record> byId = new HashMap<>();
    final Map<String, Map<String, Record>> byName = new HashMap<>();
    final Map<String, Map<String, Record>> byLink = new HashMap<>();

    static Live read(ServiceNowClient client, Phase phase, List<RestoreStep> steps) {
      LiveReader reader = new LiveReader(client);
      Live live = new Live();
      Map<String, List<RestoreStep>> byTable = steps.stream().collect(Collectors.groupingBy(RestoreStep::table, LinkedHashMap::new, Collectors.toList()));
      for (Map.Entry<String, List<RestoreStep>> e : byTable.entrySet()) {
        String table = e.getKey();
        List<RestoreStep> tableSteps = e.getValue();
        List<String> ids = tableSteps.stream().map(RestoreStep::sysId).toList();
        switch (table) {
          case GROUPS -> live.add(table, reader.where(table, "sys_id", ids, List.of("sys_id", "name")), null, null, null);
          case USERS -> {
            List<String> fields = new ArrayList<>(List.of("sys_id", "user_name"));
            fields.addAll(Differ.USER_FIELDS);
            List<String> names = phase == Phase.USERS ? values(tableSteps, "user_name") : List.of();
            live.add(table, reader.whereEither(table, "sys_id", ids, "user_name", names, fields), "user_name", null, null);
          }
          case GRANTS -> live.add(table,
              reader.where(table, "user", values(tableSteps, "user"), List.of("sys_id", "user", "role", "inherited")).stream()
                  .filter(g -> !g.isTrue("inherited")).toList(), null, "user", "role");
          case MEMBERSHIPS -> live.add(table, reader.where(table, "user", values(tableSteps, "user"), List.of("sys_id", "user", "group")), null, "user", "group");
          case GROUP_ROLES -> live.add(table, reader.where(table, "group", values(tableSteps, "group"), List.of("sys_id", "group", "role")), null, "group", "role");
          default -> live.add(table, reader.where(table, "sys_id", ids, List.of("sys_id")), null, null, null);
        }
      }
      return live;
    }

    private void add(String table, List<Record> rows, String nameField, String left, String right) {
      for (Record r : rows) {
        byId.put(r.sysId(), r);
        if (nameField != null && !r.get(nameField).isEmpty()) {
          byName.computeIfAbsent(table, t -> new HashMap<>()).putIfAbsent(r.get(nameField), r);
        }
        if (left != null) {
          byLink.computeIfAbsent(table, t -> new HashMap<>()).putIfAbsent(r.get(left) + "|" + r.get(right), r);
        }
      }
    }

    boolean exists(String sysId) {
      return byId.containsKey(sysId);
    }

    /** A different record already holding the name this insert would use (user_name, group name). */
    Optional<Record> sameName(RestoreStep step) {
      // Only user_name is unique on the platform; a same-named group does not stop us recreating ours.
      String field = step.table().equals(USERS) ? "user_name" : null;
      if (field == null || step.values().getOrDefault(field, "").isEmpty()) {
        return Optional.empty();
      }
      return Optional.ofNullable(byName.getOrDefault(step.table(), Map.of()).get(step.values().get(field)))
          .filter(r -> !r.sysId().equals(step.sysId()));
    }

    /** A row linking the same two records (user and role, user and group) under another sys_id. */
    Optional<Record> sameLink(RestoreStep step) {
      String key = switch (step.table()) {
        case GRANTS -> step.values().get("user") + "|" + step.values().get("role");
        case MEMBERSHIPS -> step.values().get("user") + "|" + step.values().get("group");
        case GROUP_ROLES -> step.values().get("group") + "|" + step.values().get("role");
        default -> null;
      };
      return key == null ? Optional.empty() : Optional.ofNullable(byLink.getOrDefault(step.table(), Map.of()).get(key));
    }

    private static List<String> values(List<RestoreStep> steps, String field) {
      return steps.stream().map(s -> s.values().getOrDefault(field, "")).filter(v -> !v.isEmpty()).distinct().toList();
    }
  }
}
