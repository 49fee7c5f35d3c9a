package io.cloneguard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloneguard.sim.CloneHandle;
import io.cloneguard.snapshot.SnapshotInfo;
import io.cloneguard.snapshot.SnapshotKey;
import io.cloneguard.snapshot.SnapshotStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * {@code cloneguard demo}: two simulated instances, a real CloneGuard daemon (a child process of
 * this JVM's class path), and a clone of prod over dev that wipes dev's MID Server accounts. The
 * story is told from what can be observed (the daemon's /status and /metrics, the simulator's
 * state), so the demo shows what CloneGuard really did and fails when it did not do it.
 */
public final class Demo {
  /** The whole story must fit in the one minute the README promises. */
  static final Duration BUDGET = Duration.ofSeconds(50);
  static final Duration POLL = Duration.ofMillis(100);
  static final String[] RESTORED_OR_LATER = {"RESTORED", "MIDS_UP", "DONE"};

  private final PrintStream out;
  private final boolean keep;
  private final Narrator narrator;
  private Path dir;
  private Landscape landscape;
  private ScenarioFiles files;
  private DaemonProcess daemon;

  private Demo(boolean keep, PrintStream out) {
    this.keep = keep;
    this.out = out;
    this.narrator = Narrator.forStream(out);
  }

  public static void main(String[] args) {
    System.exit(run(List.of(args).contains("--keep"), System.out));
  }

  /** Runs the demo; 0 when the MID Servers came back Up, 3 otherwise. With {@code keep}, blocks until Ctrl-C. */
  public static int run(boolean keep, PrintStream out) {
    return new Demo(keep, out).run();
  }

  private int run() {
    boolean success = false;
    // Ctrl-C at any point still stops the daemon and simulators and removes the temporary directory.
    Thread stopper = new Thread(this::cleanUp, "demo-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    try {
      narrator.say("CloneGuard demo: cloning prod over dev wipes dev's MID Server accounts; CloneGuard puts them back.");
      setUp();
      success = tellTheStory();
      narrator.block("\n" + narrator.summary().render() + "\n");
      narrator.say(success ? outcome() : "The demo did not end as it should; the daemon's log is in " + logDir());
      if (keep) {
        printHowToExplore();
        narrator.close();
        waitForCtrlC();
      }
      return success ? 0 : 3;
    } catch (RuntimeException e) {
      narrator.problem("demo failed: " + e.getMessage());
      if (daemon != null) {
        tail(daemon.stderr() + daemon.stdout(), 15).forEach(l -> narrator.problem("daemon: " + l));
      }
      return 3;
    } finally {
      narrator.close();
      if (!keep || !success) {
        cleanUp();
        removeHook(stopper);
      }
    }
  }

  private void setUp() {
    narrator.waiting("starting simulated instances prod and dev");
    landscape = Landscape.start(Landscape.Options.standard().preservers("sys_user_has_role").lastGroupMissingOnProd(true));
    narrator.milestone("instances started", "prod " + landscape.prod().url() + ", dev " + landscape.dev().url(), "prod and dev simulated on loopback");
    narrator.waiting("dev's MID Servers logging in");
    awaitCondition(() -> landscape.devMidServersUp() == landscape.devSeed().midServerNames().size(), Duration.ofSeconds(10),
        "dev's MID Servers did not come Up after seeding");
    String devBefore = landscape.devOwnMidUsersPresent() + " MID users in " + landscape.devSeed().groupIds().size() + " groups, MID Servers Up "
        + landscape.devMidServersUp() + " of " + landscape.devSeed().midServerNames().size();
    narrator.milestone("dev before the clone", devBefore, devBefore);
    narrator.say("         prod's clone data preservers: " + String.join(", ", landscape.prodPreservers()) + " only (missing: "
        + missingPreservers() + "); MID group '" + String.join("', '", landscape.groupsMissingOnProd()) + "' exists on dev only");

    dir = createTempDir();
    files = landscape.files(dir, "restore");
    files.write();
    Escrow.putAll(files, "dev", landscape.devSeed().midPasswords());
    narrator.milestone("config, key and escrow written", files.config() + " (" + landscape.devSeed().midPasswords().size()
        + " MID passwords escrowed)", landscape.devSeed().midPasswords().size() + " MID passwords escrowed");

    narrator.waiting("starting the CloneGuard daemon");
    daemon = CloneGuardLauncher.sameClasspath(logDir()).startDaemon(files.config(), files.metricsPort());
    awaitCondition(() -> {
      if (!daemon.isAlive()) {
        throw new IllegalStateException("the daemon exited with code " + daemon.awaitExit(Duration.ofSeconds(1)) + ": "
            + String.join(" | ", tail(daemon.stderr(), 3)));
      }
      return daemon.isReady();
    }, Duration.ofSeconds(30), "the daemon did not become ready");
    narrator.milestone("daemon ready", daemon.baseUri() + " (pid " + daemon.pid() + ")", "/readyz 200");
  }

  /** The ending, from dev's request log: CloneGuard never deletes. */
  private String outcome() {
    long deletes = landscape.dev().requestLog().entries().stream().filter(e -> e.method().equals("DELETE")).count();
    return "Done in " + Narrator.seconds(narrator.elapsed()) + ": dev's MID Servers are Up again, and dev's Table API saw "
        + (deletes == 0 ? "no DELETE" : deletes + " DELETE requests") + " from CloneGuard.";
  }

  private String missingPreservers() {
    return String.join(", ", Landscape.Options.ALL_PRESERVERS.stream().filter(t -> !landscape.prodPreservers().contains(t)).toList());
  }

  /** Requests the clone and narrates each step as it becomes visible; true when it ended with every MID Server Up. */
  private boolean tellTheStory() {
    String requestId = landscape.requestCloneThroughTableApi();
    narrator.milestone("clone requested", "prod -> dev, a clone_instance record created through prod's Table API (" + requestId + ")",
        "clone_instance created on prod");
    long deadline = System.nanoTime() + BUDGET.toNanos();
    Stage stage = Stage.SEEN;
    long completedAt = 0;
    while (System.nanoTime() < deadline) {
      Observation o = observe(requestId);
      List<String> cloneHistory = cloneHistory(requestId);
      if (o.workflowReached("FAILED", "CANCELED")) {
        narrator.problem("the workflow ended " + o.workflowState() + ": " + o.workflow().path("reason").asText(""));
        return false;
      }
      switch (stage) {
        case SEEN -> {
          narrator.waiting("waiting for the daemon to see the clone request (it polls prod's clone_instance)");
          if (o.workflow() != null) {
            narrator.milestone("clone request seen", "workflow " + o.workflow().path("id").asText() + " (clone " + lastOf(cloneHistory) + ")",
                "workflow " + o.workflowState());
            stage = Stage.SNAPSHOT;
          }
        }
        case SNAPSHOT -> {
          narrator.waiting("waiting for the pre-clone snapshot of dev");
          if (!o.snapshotRef().isEmpty() && !o.workflowReached("DETECTED")) {
            String counts = snapshotCounts(o.snapshotRef());
            narrator.milestone("snapshot taken", o.snapshotRef() + ": " + counts
                + (o.workflow().path("snapshotFallback").asBoolean() ? " (fallback to the newest baseline)" : ""), counts);
            stage = Stage.RUNNING;
          }
        }
        case RUNNING -> {
          narrator.waiting("waiting for the clone to start (prod's clone state: " + lastOf(cloneHistory) + ")");
          if (cloneHistory.contains("Active")) {
            narrator.milestone("clone running", "dev is in maintenance and answers 503 while prod's data is copied over it", "dev answers 503");
            stage = Stage.COMPLETED;
          }
        }
        case COMPLETED -> {
          narrator.waiting("clone running: dev is being overwritten");
          if (cloneHistory.contains("Completed")) {
            completedAt = completedAt == 0 ? System.nanoTime() : completedAt;
            // The MID Servers notice on their next login attempt; give them a moment before telling.
            boolean seenDown = o.midServersUp() < o.midServers();
            if (seenDown || System.nanoTime() - completedAt > Duration.ofSeconds(3).toNanos() || o.workflowReached(RESTORED_OR_LATER)) {
              String down = "MID Servers Down " + (o.midServers() - o.midServersUp()) + " of " + o.midServers();
              narrator.milestone("clone completed", down + "; dev's own MID users left: " + landscape.devOwnMidUsersPresent() + " of "
                  + landscape.devSeed().midUserIds().size(), down);
              stage = Stage.GAPS;
            }
          }
        }
        case GAPS -> {
          narrator.waiting("CloneGuard lets dev settle, then verifies it against the snapshot");
          int total = o.workflowGaps();
          if (!o.gapsByTable().isEmpty() || total > 0) {
            String perTable = o.gapsByTable().isEmpty() ? o.workflow().path("verdict").asText("") : perTable(o.gapsByTable());
            narrator.milestone("gaps found", (total > 0 ? total + " in all: " : "") + perTable, perTable);
            stage = Stage.RESTORED;
          } else if (total == 0 && o.workflowReached(RESTORED_OR_LATER)) {
            narrator.milestone("gaps found", "none: the preservers kept everything");
            stage = Stage.RESTORED;
          }
        }
        case RESTORED -> {
          narrator.waiting("restoring groups, users, roles and memberships on dev");
          if (o.workflowReached(RESTORED_OR_LATER)) {
            narrator.milestone("restored", o.workflowWrites() + " writes" + (o.writesByTable().isEmpty() ? "" : ": " + perTable(o.writesByTable()))
                + " (users get their escrowed passwords)", o.workflowWrites() + " writes");
            stage = Stage.MIDS_UP;
          }
        }
        case MIDS_UP -> {
          narrator.waiting("waiting for dev's MID Servers to log in again (Up " + o.midServersUp() + " of " + o.midServers() + ")");
          if (o.midServersUp() == o.midServers() && o.workflowReached("MIDS_UP", "DONE")) {
            String up = "MID Servers Up " + o.midServersUp() + " of " + o.midServers();
            narrator.milestone("MID Servers Up", o.midServersUp() + " of " + o.midServers() + "; dev's own MID users back: " + landscape.devOwnMidUsersPresent()
                + " of " + landscape.devSeed().midUserIds().size(), up);
            stage = Stage.DONE;
          }
        }
        case DONE -> {
          narrator.waiting("waiting for the workflow to finish");
          if (o.workflowReached("DONE")) {
            narrator.milestone("workflow done", "dev's clone workflow is DONE", "DONE");
            return true;
          }
        }
      }
      pause();
    }
    narrator.problem("not finished within " + BUDGET.toSeconds() + " s; last step reached: " + stage.previous());
    return false;
  }

  private enum Stage {
    SEEN, SNAPSHOT, RUNNING, COMPLETED, GAPS, RESTORED, MIDS_UP, DONE;

    String previous() {
      return ordinal() == 0 ? "clone requested" : values()[ordinal() - 1].name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
  }

  private Observation observe(String requestId) {
    JsonNode workflow = daemon.status().flatMap(s -> Observation.instance(s, "dev")).map(Observation::newestWorkflow).orElse(null);
    String metrics = daemon.metrics();
    return new Observation(workflow, lastOf(cloneHistory(requestId)), landscape.devMidServersUp(), landscape.devSeed().midServerNames().size(),
        landscape.devMidUsersPresent(), Observation.byTable(metrics, "cloneguard_gaps", "instance=dev"),
        Observation.byTable(metrics, "cloneguard_restore_writes_total", "instance=dev", "outcome=ok"));
  }

  private List<String> cloneHistory(String requestId) {
    return landscape.simulator().clones().stream().filter(c -> requestId.equals(c.requestSysId())).findFirst().map(CloneHandle::history)
        .orElse(List.of());
  }

  private String snapshotCounts(String ref) {
    try {
      SnapshotStore store = new SnapshotStore(files.storage(), SnapshotKey.load(files.keyFile()));
      Optional<SnapshotInfo> info = store.list("dev").stream().filter(i -> i.ref().equals(ref)).findFirst();
      return info.map(i -> labelled(i.counts())).orElse("(not in the store yet)");
    } catch (RuntimeException e) {
      return "(counts unavailable: " + e.getMessage() + ")";
    }
  }

  /** Snapshot counts in an admin's words, the tables that matter for MID Servers only. */
  private static final List<Map.Entry<String, String>> LABELS = List.of(Map.entry("sys_user", "users"),
      Map.entry("sys_user_has_role", "role grants"), Map.entry("sys_user_grmember", "memberships"), Map.entry("sys_user_group", "groups"),
      Map.entry("ecc_agent", "MID Servers"));

  static String labelled(Map<String, Integer> counts) {
    StringJoiner j = new StringJoiner(", ");
    for (Map.Entry<String, String> label : LABELS) {
      if (counts.containsKey(label.getKey())) {
        j.add(counts.get(label.getKey()) + " " + label.getValue());
      }
    }
    return j.toString();
  }

  static String perTable(Map<String, Integer> counts) {
    StringJoiner j = new StringJoiner(", ");
    counts.forEach((table, n) -> j.add(table + " " + n));
    return j.toString();
  }

  private static String lastOf(List<String> history) {
    return history.isEmpty() ? "not started" : history.get(history.size() - 1);
  }

  private void printHowToExplore() {
    String cg = "./cloneguard --config " + files.config();
    narrator.block("""

        Everything is still running. Explore it:
          prod       %s   (user admin, password %s)
          dev        %s   (user admin, password %s)
          daemon     %s/metrics   %s/status   %s/readyz
          logs       %s

          %s status
          %s diff dev
          %s snapshots
          curl -s %s/status

        Press Ctrl-C to stop everything and remove %s
        """.formatted(landscape.prod().url(), landscape.prod().adminPassword(), landscape.dev().url(), landscape.dev().adminPassword(),
        daemon.baseUri(), daemon.baseUri(), daemon.baseUri(), logDir(), cg, cg, cg, daemon.baseUri(), dir));
  }

  /** Blocks until the JVM is asked to stop (Ctrl-C, SIGTERM); the shutdown hook then cleans up. */
  private void waitForCtrlC() {
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs and finds nothing left to do
    }
  }

  private synchronized void cleanUp() {
    if (daemon != null && daemon.isAlive()) {
      try {
        daemon.terminate(Duration.ofSeconds(15));
      } catch (RuntimeException e) {
        daemon.kill();
      }
    }
    if (landscape != null) {
      landscape.close();
      landscape = null;
    }
    if (dir != null) {
      deleteTree(dir);
      dir = null;
    }
  }

  private Path logDir() {
    return dir.resolve("logs");
  }

  private static Path createTempDir() {
    try {
      return Files.createTempDirectory("cloneguard-demo-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a temporary directory for the demo", e);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A leftover temp dir is harmless; the OS cleans /tmp.
    }
  }

  private static List<String> tail(String text, int lines) {
    List<String> all = text.lines().filter(l -> !l.isBlank()).toList();
    return all.subList(Math.max(0, all.size() - lines), all.size());
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition, Duration timeout, String failure) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(failure + " within " + timeout.toSeconds() + " s");
      }
      pause();
    }
  }

  /** The demo polls observable state; this is its polling period, not a stand-in for synchronisation. */
  private static void pause() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
