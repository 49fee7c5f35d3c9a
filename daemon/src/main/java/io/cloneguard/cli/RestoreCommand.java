package io.cloneguard.cli;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.restore.AuditLog;
import io.cloneguard.restore.DiffReport;
import io.cloneguard.restore.Differ;
import io.cloneguard.restore.MidReport;
import io.cloneguard.restore.MidServerCheck;
import io.cloneguard.restore.MidStatus;
import io.cloneguard.restore.PasswordEscrow;
import io.cloneguard.restore.RestoreExecutor;
import io.cloneguard.restore.RestorePlan;
import io.cloneguard.restore.RestorePlanner;
import io.cloneguard.restore.RestoreResult;
import io.cloneguard.restore.RestoreStep;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.ServiceNowClients;
import io.cloneguard.servicenow.Sleeper;
import io.cloneguard.snapshot.Snapshot;
import io.cloneguard.snapshot.SnapshotKey;
import io.cloneguard.snapshot.SnapshotStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.Console;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cloneguard restore <instance>}: plans, and with --apply performs, the restore of MID accounts from a snapshot. */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Puts back what a clone took from an instance's MID Server accounts, as a snapshot had them: groups, users,",
      "direct role grants, memberships (all with their snapshot sys_ids), then escrowed passwords.",
      "Without --apply it prints the plan and writes nothing. With --apply it writes, then waits up to",
      "schedule.midUpTimeout for the MID Servers that were Up in the snapshot to come back Up.",
      "Never deletes, never overwrites a same-named account, only sets the fields it lists; a rerun does only what is left.",
      "Exit code 0: nothing left to do (dry run: nothing to restore); 1: gaps remain (dry run: there is something to restore;",
      "after --apply: conflicts, passwords not escrowed or MID Servers still Down); 2: usage; 3: some writes failed."
    })
final class RestoreCommand implements Callable<Integer> {
  private static final int STEPS_PER_PHASE = 20;

  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "INSTANCE", description = "A configured instance name.")
  String instance;

  @Option(names = "--snapshot", paramLabel = "ID", description = "Snapshot id or ref (default: the newest snapshot of the instance).")
  String snapshotId;

  @Option(names = "--user", paramLabel = "NAME", description = "Restore only this MID user and what it needs (repeatable).")
  List<String> users = List.of();

  @Option(names = "--apply", description = "Perform the writes (default: print the plan only).")
  boolean apply;

  @Option(names = "--yes", description = "Do not ask for confirmation (required with --apply when not on a terminal).")
  boolean yes;

  @Option(names = "--source", paramLabel = "NAME", description = "The clone's source instance, named in the verdict (e.g. prod).")
  String source;

  @Option(names = "--no-mid-check", description = "Do not wait for the MID Servers after writing.")
  boolean noMidCheck;

  @Option(names = "--output", paramLabel = "text|json", description = "text (the default) or json.")
  OutputFormat output = OutputFormat.text;

  @Override
  public Integer call() {
    CloneGuardConfig config = main.loadConfig();
    InstanceConfig target = SnapshotCommand.instanceOf(config, instance);
    SnapshotKey key = SnapshotKey.load(config.storage().keyFile());
    Snapshot snapshot = DiffCommand.snapshotFor(new SnapshotStore(config.storage().dir(), key), target.name(), snapshotId);
    checkUsers(snapshot);
    PasswordEscrow escrow = new PasswordEscrow(config.storage().dir(), key);
    Clock clock = Clock.systemUTC();
    PrintWriter out = spec.commandLine().getOut();
    try (AuditLog audit = new AuditLog(config.storage().dir().resolve("audit.jsonl"));
        ServiceNowClient client = ServiceNowClients.create(target, config.http(), new SimpleMeterRegistry())) {
      DiffReport diff = new Differ(target.midRoles()).diff(snapshot, client, source);
      RestorePlan plan = new RestorePlanner(clock, audit).plan(snapshot, diff, new LinkedHashSet<>(users), escrow);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("instance", target.name());
      json.put("snapshot", snapshot.metadata().ref());
      json.put("dryRun", !apply);
      json.put("verdict", diff.verdict());
      json.put("plan", plan);

      if (!apply || plan.isEmpty()) {
        if (output == OutputFormat.json) {
          Json.print(out, json);
        } else {
          printPlan(out, diff, plan);
          out.println(plan.isEmpty()
              ? "Nothing to restore."
              : "Dry run: nothing was written. Run again with --apply to restore.");
        }
        out.flush();
        if (!plan.failures().isEmpty()) {
          return Main.FAILURE;
        }
        return plan.isEmpty() && plan.notes().isEmpty() ? Main.OK : Main.GAPS;
      }

      confirm(plan, target);
      RestoreResult result = new RestoreExecutor(audit, new SimpleMeterRegistry(), clock, config.http().concurrency()).execute(plan, client, escrow);
      MidReport mids = null;
      if (!noMidCheck && result.written() > 0) {
        mids = new MidServerCheck(clock, Sleeper.REAL, escrow, target.midRoles())
            .await(snapshot, client, config.schedule().midUpTimeout(), config.schedule().midCheckInterval());
      }
      json.put("result", result);
      json.put("midServers", mids);
      if (output == OutputFormat.json) {
        Json.print(out, json);
      } else {
        printResult(out, plan, result, mids);
      }
      out.flush();
      if (!result.ok()) {
        return Main.FAILURE;
      }
      return result.warnings().isEmpty() && (mids == null || mids.allUp()) ? Main.OK : Main.GAPS;
    }
  }

  private void checkUsers(Snapshot snapshot) {
    List<String> known = snapshot.users().stream().map(u -> u.get("user_name")).sorted().toList();
    for (String user : users) {
      if (!known.contains(user)) {
        throw new UsageException("restore --user " + user + ": not a MID user in snapshot " + snapshot.metadata().ref()
            + " (its MID users: " + String.join(", ", known.stream().limit(10).toList()) + (known.size() > 10 ? ", ..." : "") + ")");
      }
    }
  }

  /** Asks on a terminal; refuses without --yes anywhere else (a script must say it means it). */
  private void confirm(RestorePlan plan, InstanceConfig target) {
    if (yes) {
      return;
    }
    Console console = System.console();
    if (console == null) {
      throw new UsageException("restore --apply would write " + plan.steps().size() + " change(s) to " + target.name()
          + "; add --yes to confirm when not running on a terminal");
    }
    String answer = console.readLine("Write %d change(s) to %s (%s)? Type 'yes' to go on: ", plan.steps().size(), target.name(), target.url());
    if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).matches("y|yes")) {
      throw new UsageException("restore not confirmed; nothing was written");
    }
  }

  static void printPlan(PrintWriter out, DiffReport diff, RestorePlan plan) {
    diff.verdict().forEach(out::println);
    out.println();
    out.printf("Restore plan %s for %s from snapshot %s: %d write(s)%n", plan.id(), plan.instance(), plan.snapshotRef(), plan.steps().size());
    int n = 0;
    for (RestoreStep.Phase phase : RestoreStep.Phase.values()) {
      List<RestoreStep> steps = plan.steps(phase);
      if (steps.isEmpty()) {
        continue;
      }
      out.printf("  %d. %s (%d)%n", ++n, phase.name().toLowerCase(Locale.ROOT).replace('_', ' '), steps.size());
      steps.stream().limit(STEPS_PER_PHASE).forEach(s -> out.println("     " + s.describe()));
      if (steps.size() > STEPS_PER_PHASE) {
        out.println("     ... and " + (steps.size() - STEPS_PER_PHASE) + " more (--output json lists all)");
      }
    }
    if (!plan.notes().isEmpty()) {
      out.println("Not restored:");
      plan.notes().forEach(note -> out.println("  - " + note));
    }
    if (!plan.failures().isEmpty()) {
      out.println("Failures:");
      plan.failures().forEach(f -> out.println("  - " + f));
    }
  }

  static void printResult(PrintWriter out, RestorePlan plan, RestoreResult result, MidReport mids) {
    out.printf("Restore %s of %s from %s: %d written, %d already present, %d failure(s).%n",
        plan.id(), plan.instance(), plan.snapshotRef(), result.written(), result.skipped(), result.failures().size());
    if (!result.failures().isEmpty()) {
      out.println("Failures:");
      result.failures().forEach(f -> out.println("  - " + f));
    }
    if (!result.warnings().isEmpty()) {
      out.println("Still to do:");
      result.warnings().forEach(w -> out.println("  - " + w));
    }
    if (mids != null) {
      long up = mids.agents().stream().filter(MidStatus::up).count();
      out.printf("MID Servers that were Up in the snapshot: %d/%d Up%n", up, mids.agents().size());
      for (MidStatus down : mids.down()) {
        out.printf("  %s (user %s): %s: %s%n", down.name(), down.userName(), down.status(), down.cause());
      }
      if (!mids.cloneIssues().isEmpty()) {
        out.println("The platform's clone issues (ecc_agent_issue, source InstanceClone; CloneGuard leaves them to the platform):");
        mids.cloneIssues().forEach(i -> out.println("  - " + i));
      }
    }
  }
}
