package io.cloneguard.sim;

import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs clones between simulated instances on a timeline. At completion the target's data becomes
 * the source's, except: tables the platform does not clone ({@code ecc_agent}, {@code
 * ecc_agent_issue}) and the target's own {@code instance} and {@code clone_instance} history stay;
 * source rows matching the source's exclusions are not copied; and target rows matching the
 * <b>source's</b> preservers, evaluated on the target before the data is replaced, are put back,
 * except memberships whose group no longer exists. With the legacy-engine fallback, preservers
 * with dot-walked conditions preserve nothing.
 */
final class CloneEngine implements Closeable {
  /** Tables whose target data survives every clone. */
  static final Set<String> NOT_CLONED = Set.of("ecc_agent", "ecc_agent_issue", "instance", "clone_instance");
  static final String ISSUE_MESSAGE = "MID Server not operational (status: Down), possibly due to recent clone. Check the MID Server user's credentials.";

  private final Simulator simulator;
  private final ScheduledExecutorService timeline = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("sim-clone"));
  private final List<CloneHandle> clones = new CopyOnWriteArrayList<>();
  private volatile CloneOptions apiDefaults = CloneOptions.defaults();

  CloneEngine(Simulator simulator) {
    this.simulator = simulator;
  }

  List<CloneHandle> all() {
    return List.copyOf(clones);
  }

  /** Options for clones requested through the Table API or /sim/ without options. */
  void apiDefaults(CloneOptions options) {
    apiDefaults = options;
  }

  CloneOptions apiDefaults() {
    return apiDefaults;
  }

  /** A clone an admin asked for on the source: a clone_instance row is created there first. */
  CloneHandle start(SimInstance source, SimInstance target, CloneOptions options) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("source_instance", Simulator.instanceRowId(source.name()));
    values.put("target_instance", Simulator.instanceRowId(target.name()));
    values.put("state", "Requested");
    values.put("scheduled", source.db().now());
    values.put("clone_id", BaseData.stableId("clone:" + System.nanoTime()));
    values.put("clone_type", "Full");
    values.put("email", "admin@example.com");
    Map<String, String> row = source.db().insert("clone_instance", values, "admin", false, false);
    return begin(source, target, options, row.get("sys_id"));
  }

  /** A clone_instance row was created through the Table API on {@code source}. */
  void requested(SimInstance source, Map<String, String> row) {
    String state = row.getOrDefault("state", "");
    if (!state.isEmpty() && !state.equalsIgnoreCase("Requested") && !state.equalsIgnoreCase("Scheduled")) {
      return; // a Draft, or history being written: nothing to run
    }
    SimInstance target = targetOf(row);
    if (target == null || target == source) {
      String why = target == null ? "Target instance " + row.getOrDefault("target_instance", "") + " is not known to this simulator"
          : "Source and target are the same instance";
      source.db().update("clone_instance", row.get("sys_id"), Map.of("state", "Error", "message", why), "system", false, false);
      return;
    }
    begin(source, target, apiDefaults, row.get("sys_id"));
  }

  private SimInstance targetOf(Map<String, String> row) {
    for (SimInstance i : simulator.instances()) {
      if (Simulator.instanceRowId(i.name()).equals(row.getOrDefault("target_instance", ""))) {
        return i;
      }
    }
    return null;
  }

  private CloneHandle begin(SimInstance source, SimInstance target, CloneOptions options, String requestSysId) {
    CloneHandle c = new CloneHandle(this, source, target, options, requestSysId);
    clones.add(c);
    c.enter("Requested", null);
    if (options.outcome() == CloneOutcome.HOLD) {
      after(c, () -> move(c, "Hold", "Clone is on hold: waiting for the target's upgrade window to be approved"));
    } else {
      after(c, () -> scheduled(c));
    }
    return c;
  }

  private void scheduled(CloneHandle c) {
    if (canceledOnInstance(c)) {
      return;
    }
    move(c, "Scheduled", null);
    if (c.options().outcome() == CloneOutcome.CANCELED) {
      after(c, () -> move(c, "Canceled", "Canceled by admin", "canceled"));
    } else {
      after(c, () -> active(c));
    }
  }

  private void active(CloneHandle c) {
    if (canceledOnInstance(c)) {
      return;
    }
    SimInstance target = c.target();
    c.preClone = target.db().copyTables();
    c.preserved = preservedRows(c.source(), target, c.options().legacyFallback());
    target.maintenance(true);
    move(c, "Active", null, "started");
    after(c, c.options().activeStep(), () -> {
      if (c.options().outcome() == CloneOutcome.ERROR) {
        target.maintenance(false);
        move(c, "Error", "Clone failed while copying data: the source backup could not be restored on the target");
        return;
      }
      apply(c.source(), target, c.preserved);
      target.maintenance(false);
      move(c, "Completed", null, "completed");
      if (c.options().outcome() == CloneOutcome.ROLLED_BACK) {
        after(c, () -> rollback(c));
      }
    });
  }

  boolean cancel(CloneHandle c) {
    synchronized (c) {
      String s = c.state();
      if (!Set.of("Requested", "Scheduled", "Hold").contains(s)) {
        return false;
      }
      if (c.pending != null) {
        c.pending.cancel(false);
      }
      move(c, "Canceled", "Canceled by admin", "canceled");
    }
    return true;
  }

  void release(CloneHandle c) {
    if (!c.state().equals("Hold")) {
      throw new IllegalStateException("clone " + c + " is not on Hold");
    }
    after(c, () -> scheduled(c));
  }

  void rollback(CloneHandle c) {
    if (!c.state().equals("Completed")) {
      throw new IllegalStateException("only a Completed clone can be rolled back; " + c + " is " + c.state());
    }
    move(c, "Rollback Requested", null);
    after(c, () -> {
      c.target().maintenance(true);
      move(c, "Rolling back", null);
      after(c, () -> {
        Map<String, Table> before = c.preClone;
        Set<String> names = new HashSet<>(before.keySet());
        names.addAll(c.target().db().tableNames());
        names.removeAll(Set.of("ecc_agent", "ecc_agent_issue"));
        c.target().db().replaceTables(before, names);
        c.target().auth().revokeAll();
        c.target().maintenance(false);
        move(c, "Rolled back", null);
      });
    });
  }

  /** An unannounced clone: the data is replaced at once and no clone_instance row exists anywhere. */
  void applyNow(SimInstance source, SimInstance target, CloneOptions options) {
    apply(source, target, preservedRows(source, target, options.legacyFallback()));
  }

  /** Target rows matching the source's preservers, evaluated on the target now. */
  static Map<String, List<Map<String, String>>> preservedRows(SimInstance source, SimInstance target, boolean legacy) {
    Map<String, List<Map<String, String>>> kept = new HashMap<>();
    for (Map<String, String> p : source.db().select("clone_data_preserver", "include_in_system_clone!=false")) {
      String table = p.getOrDefault("table", "");
      String condition = p.getOrDefault("condition", "");
      if (table.isEmpty() || (legacy && isDotWalked(condition))) {
        continue; // the legacy engine cannot evaluate dot-walked conditions: it preserves nothing for them
      }
      List<Map<String, String>> rows = target.db().select(table, condition);
      kept.computeIfAbsent(table, t -> new ArrayList<>()).addAll(rows);
    }
    return kept;
  }

  private static boolean isDotWalked(String condition) {
    for (String term : condition.split("\\^")) {
      int i = 0;
      while (i < term.length() && (Character.isLowerCase(term.charAt(i)) || Character.isDigit(term.charAt(i)) || term.charAt(i) == '_')) {
        i++;
      }
      if (i < term.length() && term.charAt(i) == '.') {
        return true;
      }
    }
    return false;
  }

  /** Replaces the target's data with the source's, then puts preserved rows back. */
  static void apply(SimInstance source, SimInstance target, Map<String, List<Map<String, String>>> preserved) {
    Map<String, Table> copy = source.db().copyTables();
    Database sourceDb = source.db();
    for (Map<String, String> ex : sourceDb.select("clone_data_exclude", "include_in_system_clone!=false")) {
      Table t = copy.get(ex.getOrDefault("table", ""));
      if (t != null) {
        Query q = sourceDb.parse(t.name, ex.getOrDefault("condition", ""));
        Condition.Resolver resolver = sourceDb.resolver(t.name);
        t.removeIf(row -> q.condition().matches(row, resolver));
      }
    }
    Set<String> names = new HashSet<>(copy.keySet());
    names.addAll(target.db().tableNames());
    names.removeAll(NOT_CLONED);
    Database db = target.db();
    db.replaceTables(copy, names, () -> {
      for (Map.Entry<String, List<Map<String, String>>> e : preserved.entrySet()) {
        if (NOT_CLONED.contains(e.getKey())) {
          continue;
        }
        for (Map<String, String> row : e.getValue()) {
          if (e.getKey().equals("sys_user_grmember") && db.raw("sys_user_group", row.getOrDefault("group", "")) == null) {
            continue; // a preserved membership whose group did not survive the clone is dropped
          }
          db.putRaw(e.getKey(), row);
        }
      }
    });
    target.auth().revokeAll();
    target.afterClone();
  }

  private void move(CloneHandle c, String state, String message) {
    move(c, state, message, null);
  }

  /** Records the state on the request row first, so whoever waits on the handle sees the row already updated. */
  private void move(CloneHandle c, String state, String message, String timeField) {
    if (c.requestSysId() != null) {
      Map<String, String> values = new LinkedHashMap<>();
      values.put("state", state);
      values.put("message", message == null ? "" : message);
      if (timeField != null) {
        values.put(timeField, c.source().db().now());
      }
      updateRequest(c, values);
    }
    c.enter(state, message);
  }

  private static void updateRequest(CloneHandle c, Map<String, String> values) {
    try {
      c.source().db().update("clone_instance", c.requestSysId(), values, "system", false, false);
    } catch (ApiError e) {
      // The request row was deleted on the source; the clone still runs, as on the platform.
    }
  }

  /** An admin may set the request to Canceled through the Table API before it is Active. */
  private boolean canceledOnInstance(CloneHandle c) {
    if (c.requestSysId() == null) {
      return false;
    }
    Map<String, String> row = c.source().db().get("clone_instance", c.requestSysId());
    if (row != null && "canceled".equalsIgnoreCase(row.getOrDefault("state", "")) && !c.state().equals("Canceled")) {
      c.enter("Canceled", row.getOrDefault("message", ""));
      return true;
    }
    return false;
  }

  private void after(CloneHandle c, Runnable step) {
    after(c, c.options().phaseDuration(), step);
  }

  private void after(CloneHandle c, Duration d, Runnable step) {
    synchronized (c) {
      c.pending = timeline.schedule(() -> {
        try {
          step.run();
        } catch (RuntimeException e) {
          c.target().maintenance(false);
          c.enter("Error", "simulator failure: " + e);
        }
      }, d.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void close() {
    timeline.shutdownNow();
  }
}
