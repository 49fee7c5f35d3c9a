package io.cloneguard.cli;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.restore.DiffItem;
import io.cloneguard.restore.DiffReport;
import io.cloneguard.restore.Differ;
import io.cloneguard.restore.RestoreException;
import io.cloneguard.restore.TableDiff;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.ServiceNowClients;
import io.cloneguard.snapshot.Snapshot;
import io.cloneguard.snapshot.SnapshotInfo;
import io.cloneguard.snapshot.SnapshotStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cloneguard diff <instance>}: what a clone took away, compared with a snapshot. */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
      "Compares a snapshot (default: the newest of the instance) with the live instance, table by table:",
      "missing, changed (active, locked_out, web_service_access_only, roles), conflicting (same user_name, other sys_id)",
      "and extra rows, and says what the preservers kept. Reads only.",
      "Exit code 0: nothing missing; 1: gaps found; 3: the instance or the snapshot could not be read."
    })
final class DiffCommand implements Callable<Integer> {
  /** Rows listed per table and kind in text output; JSON always has all of them. */
  static final int LIST_LIMIT = 25;

  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "INSTANCE", description = "A configured instance name.")
  String instance;

  @Option(names = "--snapshot", paramLabel = "ID", description = "Snapshot id or ref (default: the newest snapshot of the instance).")
  String snapshotId;

  @Option(names = "--source", paramLabel = "NAME", description = "The clone's source instance, named in the verdict (e.g. prod).")
  String source;

  @Option(names = "--output", paramLabel = "text|json", description = "text (a table and the verdict, the default) or json.")
  OutputFormat output = OutputFormat.text;

  @Override
  public Integer call() {
    CloneGuardConfig config = main.loadConfig();
    InstanceConfig target = SnapshotCommand.instanceOf(config, instance);
    Snapshot snapshot = snapshotFor(SnapshotCommand.store(config), target.name(), snapshotId);
    DiffReport report;
    try (ServiceNowClient client = ServiceNowClients.create(target, config.http(), new SimpleMeterRegistry())) {
      report = new Differ(target.midRoles()).diff(snapshot, client, source);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (output == OutputFormat.json) {
      Json.print(out, json(report, snapshot));
    } else {
      print(out, report, snapshot);
    }
    out.flush();
    if (!report.failures().isEmpty()) {
      PrintWriter err = spec.commandLine().getErr();
      report.failures().forEach(f -> err.println("cloneguard: " + f));
      err.flush();
      return Main.FAILURE;
    }
    return report.hasGaps() ? Main.GAPS : Main.OK;
  }

  /** The snapshot named by {@code id} (an id or ref of this instance), or the instance's newest. */
  static Snapshot snapshotFor(SnapshotStore store, String instance, String id) {
    if (id == null) {
      SnapshotInfo newest = store.latest(instance).orElseThrow(() -> new RestoreException(
          "there is no snapshot of " + instance + " in " + store.dir() + " yet; take one with 'cloneguard snapshot " + instance + "'"));
      return store.load(instance, newest.id());
    }
    if (id.contains("/") && !id.startsWith(instance + "/")) {
      throw new UsageException("snapshot " + id + " belongs to another instance than " + instance + "; list those of " + instance
          + " with 'cloneguard snapshots " + instance + "'");
    }
    return store.load(instance, id.contains("/") ? id.substring(id.indexOf('/') + 1) : id);
  }

  static Map<String, Object> json(DiffReport report, Snapshot snapshot) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("instance", report.instance());
    json.put("snapshot", report.snapshotRef());
    json.put("snapshotTakenAt", snapshot.metadata().takenAt());
    json.put("hasGaps", report.hasGaps());
    Map<String, Integer> gaps = new LinkedHashMap<>();
    report.tables().forEach(t -> gaps.put(t.table(), t.gapCount()));
    json.put("gaps", gaps);
    json.put("tables", report.tables());
    json.put("verdict", report.verdict());
    json.put("failures", report.failures());
    return json;
  }

  static void print(PrintWriter out, DiffReport report, Snapshot snapshot) {
    out.printf("Snapshot %s (taken %s) compared with %s now%n%n", report.snapshotRef(), snapshot.metadata().takenAt(), report.instance());
    out.printf("%-20s %-20s %8s %6s %8s %8s %9s %6s%n", "TABLE", "ROWS", "EXPECTED", "KEPT", "MISSING", "CHANGED", "CONFLICTS", "EXTRA");
    for (TableDiff t : report.tables()) {
      out.printf("%-20s %-20s %8d %6d %8d %8d %9d %6d%n", t.table(), t.label(), t.expected(), t.kept(), t.missing().size(),
          t.changed().size(), t.conflicts().size(), t.extra().size());
    }
    section(out, "Missing (restore inserts them with their snapshot sys_ids)", report, TableDiff::missing, i -> i.name() + " (" + i.sysId() + ")");
    section(out, "Changed (restore sets these fields back)", report, TableDiff::changed, i -> i.name() + ": " + changes(i));
    section(out, "Conflicts (never overwritten)", report, TableDiff::conflicts,
        i -> i.name() + ": snapshot sys_id " + i.sysId() + ", live sys_id " + i.liveSysId());
    section(out, "Extra (live only; reported, never touched)", report, TableDiff::extra, i -> i.name() + " (" + i.sysId() + ")");
    out.println();
    out.println("Verdict:");
    report.verdict().forEach(v -> out.println("  " + v));
  }

  private static void section(PrintWriter out, String title, DiffReport report, java.util.function.Function<TableDiff, List<DiffItem>> kind,
      java.util.function.Function<DiffItem, String> line) {
    if (report.tables().stream().allMatch(t -> kind.apply(t).isEmpty())) {
      return;
    }
    out.println();
    out.println(title + ":");
    for (TableDiff t : report.tables()) {
      List<DiffItem> items = kind.apply(t);
      items.stream().limit(LIST_LIMIT).forEach(i -> out.println("  " + t.table() + "  " + line.apply(i)));
      if (items.size() > LIST_LIMIT) {
        out.println("  " + t.table() + "  ... and " + (items.size() - LIST_LIMIT) + " more (--output json lists all)");
      }
    }
  }

  private static String changes(DiffItem item) {
    StringBuilder s = new StringBuilder();
    item.expected().forEach((field, want) -> {
      if (s.length() > 0) {
        s.append(", ");
      }
      s.append(field).append(" is '").append(item.live().get(field)).append("', snapshot has '").append(want).append("'");
    });
    return s.toString();
  }
}
