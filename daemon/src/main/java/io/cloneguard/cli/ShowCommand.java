package io.cloneguard.cli;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.servicenow.Record;
import io.cloneguard.snapshot.Snapshot;
import io.cloneguard.snapshot.SnapshotMetadata;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cloneguard show <snapshot>}: the decrypted, verified content of one snapshot. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Shows one snapshot: a summary of its MID users, their roles and groups, and MID Servers;",
      "with --output json, the whole decrypted snapshot. Nothing is printed unless the file decrypts and verifies."
    })
final class ShowCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SNAPSHOT", description = "instance/id (e.g. dev/20261204T101500Z-3f2a) or a bare id.")
  String ref;

  @Option(names = "--output", paramLabel = "text|json", description = "text (a summary, the default) or json (everything).")
  OutputFormat output = OutputFormat.text;

  @Override
  public Integer call() {
    CloneGuardConfig config = main.loadConfig();
    Snapshot snapshot = SnapshotCommand.store(config).load(ref);
    PrintWriter out = spec.commandLine().getOut();
    if (output == OutputFormat.json) {
      Json.print(out, snapshot);
    } else {
      summary(out, snapshot);
    }
    return Main.OK;
  }

  static void summary(PrintWriter out, Snapshot s) {
    SnapshotMetadata m = s.metadata();
    Map<String, String> roleNames = names(s.roles(), "name");
    Map<String, String> groupNames = names(s.groups(), "name");
    out.println("snapshot " + m.ref());
    out.println("  instance:      " + m.instance() + " (" + m.instanceUrl() + ")");
    out.println("  taken:         " + m.takenAt() + " by CloneGuard " + m.cloneguardVersion());
    out.println("  trigger:       " + m.trigger());
    out.println("  content hash:  " + m.contentHash());
    out.println("  rows:          " + m.counts().getOrDefault("sys_user", 0) + " users, "
        + m.counts().getOrDefault("sys_user_has_role", 0) + " role grants, "
        + m.counts().getOrDefault("sys_user_grmember", 0) + " memberships, "
        + m.counts().getOrDefault("sys_user_group", 0) + " groups, "
        + m.counts().getOrDefault("sys_group_has_role", 0) + " group roles, "
        + m.counts().getOrDefault("sys_user_role", 0) + " roles, "
        + m.counts().getOrDefault("ecc_agent", 0) + " MID Servers, "
        + m.counts().getOrDefault("clone_data_preserver", 0) + " preservers, "
        + m.counts().getOrDefault("clone_data_exclude", 0) + " excludes");
    out.println();
    out.println("MID users (" + s.users().size() + "):");
    for (Record u : s.users()) {
      List<String> direct = new ArrayList<>();
      List<String> inherited = new ArrayList<>();
      for (Record g : s.roleGrants()) {
        if (g.get("user").equals(u.sysId())) {
          String name = roleNames.getOrDefault(g.get("role"), g.get("role"));
          (g.isTrue("inherited") ? inherited : direct).add(name);
        }
      }
      List<String> groups = s.memberships().stream().filter(mb -> mb.get("user").equals(u.sysId()))
          .map(mb -> groupNames.getOrDefault(mb.get("group"), mb.get("group"))).sorted().toList();
      out.println("  " + u.get("user_name") + "  (" + u.sysId() + ", active=" + u.get("active") + ")");
      out.println("      direct roles:    " + join(direct));
      out.println("      inherited roles: " + join(inherited));
      out.println("      groups:          " + join(groups));
    }
    out.println();
    out.println("groups (" + s.groups().size() + "):");
    for (Record g : s.groups()) {
      List<String> roles = s.groupRoles().stream().filter(gr -> gr.get("group").equals(g.sysId()))
          .map(gr -> roleNames.getOrDefault(gr.get("role"), gr.get("role"))).sorted().toList();
      out.println("  " + g.get("name") + "  (" + g.sysId() + ", roles: " + join(roles) + ")");
    }
    out.println();
    out.println("MID Servers (" + s.midServers().size() + "):");
    for (Record a : s.midServers()) {
      out.println("  " + a.get("name") + "  status=" + a.get("status") + " validated=" + a.get("validated") + " user=" + a.get("user_name")
          + " host=" + a.get("host_name") + " version=" + a.get("version"));
    }
    if (!s.preservers().isEmpty() || !s.excludes().isEmpty()) {
      out.println();
      out.println("clone data preservers (" + s.preservers().size() + "):");
      s.preservers().forEach(p -> out.println("  " + p.get("name") + "  table=" + p.get("table") + " condition=" + p.get("condition")));
      out.println("clone data excludes (" + s.excludes().size() + "):");
      s.excludes().forEach(p -> out.println("  " + p.get("name") + "  table=" + p.get("table") + " condition=" + p.get("condition")));
    }
    out.flush();
  }

  private static Map<String, String> names(List<Record> rows, String field) {
    Map<String, String> m = new HashMap<>();
    rows.forEach(r -> m.put(r.sysId(), r.get(field)));
    return m;
  }

  private static String join(List<String> items) {
    return items.isEmpty() ? "-" : String.join(", ", items.stream().sorted().toList());
  }
}
