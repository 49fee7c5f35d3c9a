package io.cloneguard.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.SecretMask;
import io.cloneguard.schedule.StatusReport;
import io.cloneguard.schedule.StatusReport.InstanceStatus;
import io.cloneguard.schedule.StatusReport.WorkflowSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Shows per instance the last snapshot, clone workflows in progress and the last finished one, the last verification verdict,",
      "MID Servers Up/Down and preflight warnings. Asks the running daemon (its /status on metrics.listen); without one, reads the",
      "workflow database and the snapshot store (live figures are then missing)."
    })
final class StatusCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Option(names = "--output", paramLabel = "text|json", description = "Readable text (default) or JSON (the same document as /status).")
  OutputFormat output = OutputFormat.text;

  @Override
  public Integer call() throws IOException {
    CloneGuardConfig config = main.loadConfig();
    PrintWriter out = spec.commandLine().getOut();
    Optional<String> live = fromDaemon(config);
    StatusReport report = live.isPresent()
        ? Json.MAPPER.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(live.get(), StatusReport.class)
        : StatusReport.fromStore(config, Instant.now());
    if (output == OutputFormat.json) {
      Json.print(out, report);
      return Main.OK;
    }
    out.println("CloneGuard " + report.version() + " status from " + report.source() + " at " + report.generatedAt());
    for (InstanceStatus i : report.instances()) {
      out.println();
      out.println(i.name() + " (" + (i.guard() ? "guarded, policy " + i.policy() : "not guarded") + (i.watch() ? ", clone source watched" : "") + ")");
      if (i.reachable() != null) {
        out.println("  reachable:      " + (i.reachable() ? "yes" : "NO" + (i.problem() == null ? "" : " (" + i.problem() + ")"))
            + (i.lastPollSuccess() == null ? "" : ", last good poll " + i.lastPollSuccess()));
      }
      if (i.guard()) {
        out.println("  last snapshot:  " + (i.lastSnapshot() == null ? "none"
            : i.lastSnapshot().ref() + " (" + i.lastSnapshot().trigger() + ", " + i.lastSnapshot().takenAt() + ", " + i.lastSnapshot().midUsers() + " MID users)"));
        if (i.midUsersPresent() != null) {
          out.println("  MID users:      " + i.midUsersPresent() + " present, " + (i.midUsersExpected() == null ? "?" : i.midUsersExpected()) + " expected");
        }
        if (i.midServersUp() != null) {
          out.println("  MID Servers:    " + i.midServersUp() + " Up, " + i.midServersDown() + " Down");
        }
        if (i.inProgress().isEmpty()) {
          out.println("  in progress:    none");
        }
        for (WorkflowSummary w : i.inProgress()) {
          out.println("  in progress:    " + w.id() + " " + w.state() + " since " + w.since() + (w.cloneState() == null ? "" : " (request " + w.cloneState() + ")"));
        }
        WorkflowSummary f = i.lastFinished();
        out.println("  last finished:  " + (f == null ? "none" : f.id() + " " + f.state() + " at " + f.since() + ", " + f.writes() + " records written"
            + (f.reason() == null ? "" : " (" + f.reason() + ")")));
        out.println("  last verdict:   " + (i.lastVerdict() == null ? "none yet" : i.lastVerdict()));
      }
      out.println("  preflight:      " + (i.preflightWarnings() == null ? "not known without a running daemon (run 'cloneguard preflight')"
          : i.preflightWarnings().isEmpty() ? "no warnings" : String.join("; ", i.preflightWarnings())));
    }
    out.flush();
    return Main.OK;
  }

  /** The daemon's /status on this host, or empty when no daemon answers. Only ever asks the local machine. */
  private static Optional<String> fromDaemon(CloneGuardConfig config) {
    String listen = config.metrics() == null || config.metrics().listen() == null ? "127.0.0.1:9464" : config.metrics().listen();
    int colon = listen.lastIndexOf(':');
    String host = listen.substring(0, colon).replace("[", "").replace("]", "");
    if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
      host = "127.0.0.1";
    }
    String port = listen.substring(colon + 1);
    if (port.equals("0")) {
      return Optional.empty(); // a random port cannot be found from the configuration
    }
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/status"))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(SecretMask.mask(r.body())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
