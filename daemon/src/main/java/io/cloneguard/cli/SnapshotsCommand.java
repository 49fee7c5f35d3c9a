package io.cloneguard.cli;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.snapshot.SnapshotInfo;
import io.cloneguard.snapshot.SnapshotStore;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
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

/** {@code cloneguard snapshots [<instance>]}: lists stored snapshots, newest first. */
@Command(
    name = "snapshots",
    mixinStandardHelpOptions = true,
    description = {
      "Lists stored snapshots, newest first: id, time, trigger, rows per table, file size.",
      "Every file is decrypted and verified; one that does not open is reported on stderr (exit code 3)."
    })
final class SnapshotsCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "INSTANCE", description = "Only this instance (default: all).")
  String instance;

  @Option(names = "--output", paramLabel = "text|json", description = "text (a table, the default) or json.")
  OutputFormat output = OutputFormat.text;

  @Override
  public Integer call() {
    CloneGuardConfig config = main.loadConfig();
    SnapshotStore store = SnapshotCommand.store(config);
    List<String> names;
    if (instance == null) {
      names = store.instances();
    } else {
      if (config.instance(instance).isEmpty() && !store.instances().contains(instance)) {
        SnapshotCommand.instanceOf(config, instance); // throws the usage error listing the configured names
      }
      names = List.of(instance);
    }
    List<SnapshotInfo> infos = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (String name : names) {
      SnapshotStore.Listing listing = store.listing(name);
      infos.addAll(listing.snapshots());
      problems.addAll(listing.problems());
    }
    infos.sort(Comparator.comparing(SnapshotInfo::takenAt).thenComparing(SnapshotInfo::ref).reversed());
    PrintWriter out = spec.commandLine().getOut();
    if (output == OutputFormat.json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("snapshots", infos);
      result.put("problems", problems);
      Json.print(out, result);
    } else {
      printTable(out, infos);
    }
    PrintWriter err = spec.commandLine().getErr();
    problems.forEach(p -> err.println("cloneguard: " + p));
    err.flush();
    return problems.isEmpty() ? Main.OK : Main.FAILURE;
  }

  private static void printTable(PrintWriter out, List<SnapshotInfo> infos) {
    if (infos.isEmpty()) {
      out.println("no snapshots");
      out.flush();
      return;
    }
    String format = "%-34s  %-20s  %5s  %6s  %7s  %6s  %4s  %9s  %s%n";
    out.printf(format, "SNAPSHOT", "TAKEN (UTC)", "USERS", "GRANTS", "MEMBERS", "GROUPS", "MIDS", "SIZE", "TRIGGER");
    for (SnapshotInfo i : infos) {
      out.printf(format, i.ref(), i.takenAt().toString(), count(i, "sys_user"), count(i, "sys_user_has_role"),
          count(i, "sys_user_grmember"), count(i, "sys_user_group"), count(i, "ecc_agent"), size(i.sizeBytes()), i.trigger());
    }
    out.flush();
  }

  private static String count(SnapshotInfo info, String table) {
    return String.valueOf(info.counts().getOrDefault(table, 0));
  }

  static String size(long bytes) {
    if (bytes < 10 * 1024) {
      return bytes + " B";
    }
    if (bytes < 10 * 1024 * 1024) {
      return (bytes / 1024) + " KiB";
    }
    return (bytes / (1024 * 1024)) + " MiB";
  }
}
