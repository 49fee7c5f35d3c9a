package io.cloneguard.cli;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.SecretMask;
import io.cloneguard.schedule.Preflight;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "preflight",
    mixinStandardHelpOptions = true,
    description = {
      "Checks credentials, read/write access, the MID Clone Data Preservers on each watched source, that CloneGuard's own account",
      "survives a clone, the key file, storage and the clock. Harmless requests only (reads and empty PATCHes).",
      "Exit code 0 all passed, 1 warnings, 3 a check failed."
    })
final class PreflightCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "INSTANCE", description = "Check only this instance (default: all).")
  String instance;

  @Option(names = "--output", paramLabel = "text|json", description = "Checklist (text, the default) or JSON.")
  OutputFormat output = OutputFormat.text;

  @Override
  public Integer call() {
    CloneGuardConfig config = main.loadConfig();
    List<Preflight.Report> reports = Preflight.standalone(config, instance, Clock.systemUTC());
    int code = Preflight.exitCode(reports);
    PrintWriter out = spec.commandLine().getOut();
    if (output == OutputFormat.json) {
      List<Preflight.Check> checks = reports.stream().flatMap(r -> r.checks().stream()).toList();
      Json.print(out, Map.of("checks", checks, "exitCode", code, "result", code == 0 ? "ok" : code == 1 ? "warnings" : "failed"));
      return code;
    }
    for (Preflight.Report r : reports) {
      out.println(r.instance());
      for (Preflight.Check c : r.checks()) {
        String mark = switch (c.status()) {
          case OK -> "[ ok ]";
          case WARN -> "[warn]";
          case FAIL -> "[FAIL]";
        };
        out.println("  " + mark + " " + c.check() + ": " + SecretMask.mask(c.message()));
      }
    }
    long warnings = reports.stream().flatMap(r -> r.checks().stream()).filter(c -> c.status() != Preflight.Status.OK).count();
    out.println(warnings == 0 ? "preflight: all checks passed" : "preflight: " + warnings + " check(s) need attention");
    out.flush();
    return code;
  }
}
