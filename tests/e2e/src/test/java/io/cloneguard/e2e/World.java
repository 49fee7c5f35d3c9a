package io.cloneguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloneguard.sim.CloneHandle;
import io.cloneguard.sim.CloneOptions;
import io.cloneguard.sim.CloneOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * One scenario's world: simulated prod and dev (in this JVM, real HTTP on loopback), the config
 * files, and the real CloneGuard CLI and daemon as separate processes. Closing it stops the daemon
 * and the simulators and checks that no configured secret appeared anywhere it printed or wrote.
 */
final class World implements AutoCloseable {
  static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);

  final Landscape landscape;
  final ScenarioFiles files;
  final CloneGuardLauncher cli;
  private final List<CliRun> runs = new ArrayList<>();
  private final List<DaemonProcess> daemons = new ArrayList<>();
  private final List<String> metricsSeen = new ArrayList<>();
  private DaemonProcess daemon;

  private World(Landscape landscape, ScenarioFiles files, Path dir) {
    this.landscape = landscape;
    this.files = files;
    this.cli = CloneGuardLauncher.productJar(dir.resolve("out"));
  }

  static World start(Path dir, Landscape.Options options, String policy) {
    Landscape landscape = Landscape.start(options);
    try {
      await("dev's MID Servers Up before the scenario").atMost(Duration.ofSeconds(10))
          .until(() -> landscape.devMidServersUp() == landscape.devSeed().midServerNames().size());
      ScenarioFiles files = landscape.files(dir, policy);
      files.write();
      // The operator escrowed the MID passwords once, so restored accounts log in again.
      Escrow.putAll(files, "dev", landscape.devSeed().midPasswords());
      return new World(landscape, files, dir);
    } catch (RuntimeException e) {
      landscape.close();
      throw e;
    }
  }

  /** Runs {@code cloneguard --config <this world's config> args...} and remembers the output for the secret scan. */
  CliRun cg(String... args) {
    List<String> all = new ArrayList<>(List.of("--config", files.config().toString()));
    all.addAll(List.of(args));
    CliRun run = cli.run(CLI_TIMEOUT, all.toArray(String[]::new));
    synchronized (runs) {
      runs.add(run);
    }
    return run;
  }

  /** Starts the daemon (with extra global options such as --verbose) and waits until /readyz says it is ready. */
  DaemonProcess startDaemon(String... globalOptions) {
    daemon = cli.startDaemon(files.config(), files.metricsPort(), globalOptions);
    daemons.add(daemon);
    DaemonProcess d = daemon;
    await("daemon ready on " + d.baseUri()).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .failFast("daemon exited: " + d.stderr(), () -> !d.isAlive())
        .until(d::isReady);
    return d;
  }

  /** Starts a clone of prod over dev as an admin would request it on prod; each phase takes {@code phase}. */
  CloneHandle clone(CloneOutcome outcome, boolean legacyFallback, Duration phase) {
    return landscape.simulator().clone("prod", "dev", CloneOptions.defaults().phaseDuration(phase).outcome(outcome).legacyFallback(legacyFallback));
  }

  /**
   * Writes (POST, PATCH, PUT, DELETE) dev accepted through its Table API: only CloneGuard writes
   * there. Preflight's harmless empty PATCHes do not count: those of a sys_id that does not exist
   * (404) and the one of CloneGuard's own account, which proves it may write sys_user.
   */
  long devWrites() {
    return devWriteLog().size();
  }

  /** The accepted writes on dev, as "METHOD path status" lines (for assertion messages). */
  List<String> devWriteLog() {
    return landscape.dev().requestLog().entries().stream()
        .filter(e -> e.endpoint().equals("table") && WRITE_METHODS.contains(e.method()) && e.status() >= 200 && e.status() < 300)
        .filter(e -> !(e.method().equals("PATCH") && e.path().endsWith("/sys_user/" + Landscape.SERVICE_ACCOUNT_ID)))
        .map(e -> e.method() + " " + e.path() + " " + e.status())
        .toList();
  }

  private static final java.util.Set<String> WRITE_METHODS = java.util.Set.of("POST", "PATCH", "PUT", "DELETE");

  DevState devState() {
    return DevState.of(landscape);
  }

  /** Everything the clone took is back with the same sys_ids, nothing is doubled, nothing deleted, and the MID Servers are Up. */
  void assertDevRestored(DevState before) {
    assertThat(devState()).isEqualTo(before);
    assertThat(DevState.duplicates(landscape)).as("duplicated rows on dev").isEmpty();
    await("MID Servers Up").atMost(Duration.ofSeconds(10)).until(() -> landscape.devMidServersUp() == landscape.devSeed().midServerNames().size());
    assertThat(devWrites()).as("writes on dev").isPositive();
    assertThat(landscape.dev().requestLog().entries()).as("CloneGuard never deletes").noneMatch(e -> e.method().equals("DELETE"));
  }

  DaemonProcess daemon() {
    return daemon;
  }

  /** /metrics of the running daemon, kept for the secret scan. */
  String metrics() {
    String text = daemon.metrics();
    synchronized (metricsSeen) {
      metricsSeen.add(text);
    }
    return text;
  }

  /** The value of one sample in the daemon's /metrics, e.g. {@code cloneguard_gaps{instance="dev",table="sys_user"}}; labels in any order. */
  Optional<Double> metric(String name, String... labels) {
    return Metrics.value(metrics(), name, labels);
  }

  /** /status's entry for one instance. */
  Optional<JsonNode> instanceStatus(String name) {
    return daemon.status().flatMap(s -> StreamSupport.stream(s.path("instances").spliterator(), false)
        .filter(i -> name.equals(i.path("name").asText())).findFirst());
  }

  /**
   * Waits for {@code condition}; when it does not come true, the failure shows dev's newest
   * workflow as /status has it and the end of the daemon's log, so a red run explains itself.
   */
  void awaitExplained(String alias, Duration atMost, Duration pollInterval, java.util.concurrent.Callable<Boolean> condition) {
    try {
      await(alias).atMost(atMost).pollInterval(pollInterval).until(condition);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(alias + " did not happen within " + atMost + "; dev workflow: " + devWorkflow().map(JsonNode::toString).orElse("none")
          + "\ndaemon log:\n" + tail(daemon.stderr(), 25), e);
    }
  }

  /** dev's newest workflow in /status: the last in progress, else the last finished. */
  Optional<JsonNode> devWorkflow() {
    return instanceStatus("dev").map(Observation::newestWorkflow);
  }

  Optional<String> devWorkflowState() {
    return devWorkflow().map(w -> w.path("state").asText());
  }

  /** Waits until dev's newest workflow is in {@code state}; fails at once when it FAILED instead, with the reason. */
  void awaitDevWorkflow(String state, Duration atMost) {
    DaemonProcess d = daemon;
    await("dev workflow " + state).atMost(atMost).pollInterval(Duration.ofMillis(200))
        .failFast("daemon exited", () -> !d.isAlive())
        .failFast("dev workflow FAILED", () -> {
          if (!state.equals("FAILED") && devWorkflowState().orElse("").equals("FAILED")) {
            throw new AssertionError("reason: " + devWorkflow().map(w -> w.path("reason").asText()).orElse("") + "\n" + tail(d.stderr(), 20));
          }
        })
        .until(() -> devWorkflowState().orElse(""), state::equals);
  }

  static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Every captured output, log and stored file scanned for every configured secret. */
  List<String> secretFindings() {
    SecretScanner scanner = files.secretScanner();
    synchronized (runs) {
      for (CliRun run : runs) {
        scanner.scan("stdout of " + run.args(), run.stdout()).scan("stderr of " + run.args(), run.stderr());
      }
    }
    for (DaemonProcess d : daemons) {
      scanner.scan("daemon stdout pid " + d.pid(), d.stdout()).scan("daemon stderr pid " + d.pid(), d.stderr());
    }
    synchronized (metricsSeen) {
      metricsSeen.forEach(m -> scanner.scan("/metrics", m));
    }
    scanner.scanTree(files.storage());
    scanner.scanTree(cli.outputDir());
    return scanner.findings();
  }

  @Override
  public void close() {
    try {
      for (DaemonProcess d : daemons) {
        if (d.isAlive()) {
          d.terminate(Duration.ofSeconds(15));
        }
      }
      assertThat(secretFindings()).as("configured secrets seen in output, logs or storage").isEmpty();
    } finally {
      daemons.forEach(DaemonProcess::close);
      landscape.close();
    }
  }
}
