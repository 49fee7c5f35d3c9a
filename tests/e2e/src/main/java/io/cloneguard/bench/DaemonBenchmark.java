package io.cloneguard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cloneguard.config.AuthConfig;
import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.CloneRequestsConfig;
import io.cloneguard.config.Defaults;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.MetricsConfig;
import io.cloneguard.config.Policy;
import io.cloneguard.config.ScheduleConfig;
import io.cloneguard.config.Secret;
import io.cloneguard.config.StorageConfig;
import io.cloneguard.e2e.CloneGuardLauncher;
import io.cloneguard.e2e.DaemonProcess;
import io.cloneguard.e2e.FreePort;
import io.cloneguard.restore.PasswordEscrow;
import io.cloneguard.schedule.Daemon;
import io.cloneguard.schedule.DaemonOptions;
import io.cloneguard.schedule.WorkflowState;
import io.cloneguard.schedule.WorkflowStore;
import io.cloneguard.sim.CloneHandle;
import io.cloneguard.sim.CloneOptions;
import io.cloneguard.sim.Seed;
import io.cloneguard.sim.SeedResult;
import io.cloneguard.sim.SimInstance;
import io.cloneguard.sim.Simulator;
import io.cloneguard.snapshot.SnapshotKey;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The daemon's two figures from issue 7.
 *
 * <p><b>Idle:</b> a {@code cloneguard daemon} process (the product's JVM options) guarding 20
 * simulated instances plus one watched source, poll 30 s, for 10 minutes after start-up settled:
 * resident memory (max of samples every 5 s), CPU seconds used in the window and as % of one core,
 * and requests per instance per poll from the simulator's request logs. Goals: RSS ≤ 160 MiB,
 * CPU ≤ 1 % of a core, 1 request per instance per poll. {@code -Dcloneguard.bench.daemon.idleMinutes=N}
 * shortens the window.
 *
 * <p><b>Latency:</b> an in-process daemon (poll 1 s, settle 0 s + 2 polls, MID check every 500 ms)
 * and a clone of prod over dev that wipes 50 MID users, 50 ms per request, MID ticker 1 s: time
 * from the clone request reaching Completed to the workflow reaching MIDS_UP, split into its
 * phases. Goal: settle time + restore time + one MID ticker period.
 */
public final class DaemonBenchmark {
  static final int IDLE_INSTANCES = 20;
  static final Duration IDLE_POLL = Duration.ofSeconds(30);
  static final int LATENCY_MID_USERS = 50;
  static final Duration LATENCY = Duration.ofMillis(50);
  static final Duration LATENCY_POLL = Duration.ofSeconds(1);
  static final Duration MID_TICKER = Duration.ofSeconds(1);
  static final String USER = "svc.cloneguard";
  static final String PASSWORD = "Bench-pw-" + Long.toHexString(System.nanoTime());

  private DaemonBenchmark() {}

  public static void main(String[] args) {
    Map<String, Object> result = run(System.out);
    System.out.println(result);
  }

  public static Map<String, Object> run(PrintStream out) {
    Map<String, Object> result = new LinkedHashMap<>();
    if (!Boolean.getBoolean("cloneguard.bench.daemon.idleOnly")) {
      result.put("latency", latency(out));
    }
    result.put("idle", idle(out, Duration.ofMinutes(Long.getLong("cloneguard.bench.daemon.idleMinutes", 10))));
    write(result);
    return result;
  }

  // ---- Completed -> MIDS_UP ---------------------------------------------------------------

  static Map<String, Object> latency(PrintStream out) {
    Map<String, Object> r = new LinkedHashMap<>();
    Path dir = tempDir("cg-daemon-bench-latency");
    try (Simulator sim = Simulator.builder().instances("prod", "dev").midTickerPeriod(MID_TICKER).start()) {
      SimInstance prod = sim.instance("prod");
      SimInstance dev = sim.instance("dev");
      prod.addUser(USER, PASSWORD, "user_admin", "clone_admin");
      dev.addUser(USER, PASSWORD, "user_admin", "clone_admin");
      SeedResult seeded = dev.seed(Seed.midUsers(LATENCY_MID_USERS).groups(2).midServers(5));
      SnapshotKey.generate(dir.resolve("cloneguard.key"));
      PasswordEscrow escrow = new PasswordEscrow(dir, SnapshotKey.load(dir.resolve("cloneguard.key")));
      seeded.midUserNames().forEach(u -> escrow.put("dev", u, Secret.of(seeded.passwordOf(u))));
      ScheduleConfig schedule = new ScheduleConfig("0 0 2 * * ?", Duration.ZERO, 2, Duration.ofMinutes(2), Duration.ofMillis(500),
          Duration.ofSeconds(30));
      CloneGuardConfig config = new CloneGuardConfig(dir.resolve("cloneguard.yaml"), new StorageConfig(dir, dir.resolve("cloneguard.key"), 14),
          List.of(instance("prod", prod, true, false), instance("dev", dev, false, true)),
          new CloneRequestsConfig("clone_instance", LATENCY_POLL, CloneRequestsConfig.Fields.defaults()), Defaults.HTTP, schedule,
          Defaults.SCHEDULER, new MetricsConfig("127.0.0.1:0"));
      try (Daemon daemon = Daemon.start(config, DaemonOptions.fast())) {
        awaitTrue(Duration.ofSeconds(60), () -> daemon.status().instances().stream().anyMatch(i -> i.name().equals("dev") && i.lastSnapshot() != null));
        dev.faults().latency(LATENCY, Duration.ZERO);
        prod.faults().latency(LATENCY, Duration.ZERO);
        out.println("   cloning prod over dev (" + LATENCY_MID_USERS + " MID users wiped, " + LATENCY.toMillis() + " ms per request) ...");
        CloneHandle clone = sim.clone("prod", "dev", CloneOptions.defaults().phaseDuration(Duration.ofMillis(1500)));
        AtomicReference<Instant> completed = new AtomicReference<>();
        Thread watcher = new Thread(() -> {
          clone.awaitState("Completed", Duration.ofMinutes(2));
          completed.set(Instant.now());
        }, "bench-clone-watch");
        watcher.start();
        awaitTrue(Duration.ofMinutes(3), () -> daemon.workflows().all("dev").stream().anyMatch(w -> w.state().terminal()));
        watcher.join(10_000);
        var w = daemon.workflows().all("dev").get(0);
        List<WorkflowStore.Transition> history = daemon.workflows().transitions(w.id());
        Map<WorkflowState, Instant> at = new LinkedHashMap<>();
        history.forEach(t -> at.put(t.to(), t.at()));
        if (w.state() != WorkflowState.DONE || completed.get() == null) {
          throw new IllegalStateException("the workflow ended " + w.state() + " (" + w.reason() + ")");
        }
        Instant done = completed.get();
        double total = seconds(done, at.get(WorkflowState.MIDS_UP));
        double detect = seconds(done, at.get(WorkflowState.CLONE_COMPLETED));
        double settle = seconds(at.get(WorkflowState.CLONE_COMPLETED), at.get(WorkflowState.SETTLED));
        double verify = seconds(at.get(WorkflowState.SETTLED), at.get(WorkflowState.VERIFIED));
        double restore = seconds(at.get(WorkflowState.VERIFIED), at.get(WorkflowState.RESTORED));
        double mids = seconds(at.get(WorkflowState.RESTORED), at.get(WorkflowState.MIDS_UP));
        double settleGoal = schedule.settleAfterClone().toMillis() / 1000.0 + schedule.settlePolls() * LATENCY_POLL.toMillis() / 1000.0;
        double goal = settleGoal + verify + restore + MID_TICKER.toMillis() / 1000.0;
        r.put("midUsers", LATENCY_MID_USERS);
        r.put("latencyMs", LATENCY.toMillis());
        r.put("pollSeconds", LATENCY_POLL.toSeconds());
        r.put("midTickerSeconds", MID_TICKER.toSeconds());
        r.put("recordsWritten", w.writes());
        r.put("completedToMidsUpSeconds", round(total));
        r.put("detectSeconds", round(detect));
        r.put("settleSeconds", round(settle));
        r.put("verifySeconds", round(verify));
        r.put("restoreSeconds", round(restore));
        r.put("midsUpSeconds", round(mids));
        r.put("goalSeconds", round(goal));
        r.put("goalMet", total <= goal + LATENCY_POLL.toMillis() / 1000.0);
        out.printf("   Completed -> MIDS_UP %.2f s (detect %.2f, settle %.2f, verify %.2f, restore %.2f of %d writes, MIDs %.2f);"
                + " goal settle %.1f + verify + restore + ticker %.1f = %.2f s%n",
            total, detect, settle, verify, restore, w.writes(), mids, settleGoal, MID_TICKER.toMillis() / 1000.0, goal);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    return r;
  }

  // ---- idle ---------------------------------------------------------------------------------

  static Map<String, Object> idle(PrintStream out, Duration window) {
    Map<String, Object> r = new LinkedHashMap<>();
    Path dir = tempDir("cg-daemon-bench-idle");
    List<String> names = new ArrayList<>(List.of("prod"));
    for (int i = 1; i <= IDLE_INSTANCES; i++) {
      names.add(String.format("dev%02d", i));
    }
    try (Simulator sim = Simulator.builder().instances(names.toArray(String[]::new)).start()) {
      for (String n : names) {
        sim.instance(n).addUser(USER, PASSWORD, "user_admin", "clone_admin");
        if (!n.equals("prod")) {
          sim.instance(n).seed(Seed.midUsers(5).groups(1).midServers(1).midUserPrefix("mid." + n + "."));
        }
      }
      SnapshotKey.generate(dir.resolve("cloneguard.key"));
      int port = FreePort.pick();
      Path yaml = writeConfig(dir, sim, names, port);
      Map<String, String> env = new LinkedHashMap<>(Map.of("CG_BENCH_PASSWORD", PASSWORD));
      String jvm = System.getProperty("cloneguard.bench.daemon.javaOptions", "");
      if (!jvm.isBlank()) {
        env.put("JAVA_TOOL_OPTIONS", jvm); // e.g. -Xmx64m, to compare heap settings against the default
      }
      CloneGuardLauncher launcher = CloneGuardLauncher.sameClasspath(dir.resolve("logs")).withEnvironment(env);
      try (DaemonProcess daemon = launcher.startDaemon(yaml, port)) {
        out.println("   daemon pid " + daemon.pid() + " guarding " + IDLE_INSTANCES + " instances, poll " + IDLE_POLL.toSeconds() + " s; settling ...");
        awaitTrue(Duration.ofMinutes(2), () -> {
          if (!daemon.isAlive()) {
            throw new IllegalStateException("the daemon exited: " + daemon.stderr());
          }
          return daemon.status().map(DaemonBenchmark::allSnapshotted).orElse(false);
        });
        // Let start-up work (baselines, preflight, JIT) finish, then measure a clean window.
        sleep(IDLE_POLL.plusSeconds(5));
        names.forEach(n -> sim.instance(n).requestLog().clear());
        long cpu0 = cpuTicks(daemon.pid());
        long t0 = System.nanoTime();
        long maxRss = 0;
        out.println("   measuring for " + window.toMinutes() + " min ...");
        while (System.nanoTime() - t0 < window.toNanos()) {
          sleep(Duration.ofSeconds(5));
          maxRss = Math.max(maxRss, rssKiB(daemon.pid()));
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (cpuTicks(daemon.pid()) - cpu0) / (double) clockTicksPerSecond();
        long guardedRequests = 0;
        for (String n : names.subList(1, names.size())) {
          guardedRequests += sim.instance(n).requestLog().total();
        }
        long prodRequests = sim.instance("prod").requestLog().total();
        double polls = elapsed / IDLE_POLL.toSeconds();
        double perGuarded = guardedRequests / (IDLE_INSTANCES * polls);
        double perSource = prodRequests / polls;
        double rssMiB = maxRss / 1024.0;
        double cpuPercent = 100.0 * cpuSeconds / elapsed;
        r.put("instances", IDLE_INSTANCES);
        r.put("extraJavaOptions", jvm);
        r.put("threads", threads(daemon.pid()));
        r.put("pollSeconds", IDLE_POLL.toSeconds());
        r.put("windowSeconds", round(elapsed));
        r.put("maxRssMiB", round(rssMiB));
        r.put("rssGoalMiB", 160);
        r.put("cpuSeconds", round(cpuSeconds));
        r.put("cpuPercentOfOneCore", round(cpuPercent));
        r.put("cpuGoalPercent", 1);
        r.put("requestsPerGuardedInstancePerPoll", round(perGuarded));
        r.put("requestsPerSourcePerPoll", round(perSource));
        r.put("requestsGoal", 1);
        out.printf("   idle: RSS max %.0f MiB, CPU %.2f s in %.0f s = %.2f %% of a core, %.2f requests per guarded instance per poll, %.2f per source%n",
            rssMiB, cpuSeconds, elapsed, cpuPercent, perGuarded, perSource);
        int code = daemon.terminate(Duration.ofSeconds(40));
        r.put("sigtermExitCode", code);
      }
    }
    return r;
  }

  private static boolean allSnapshotted(JsonNode status) {
    int n = 0;
    for (JsonNode i : status.path("instances")) {
      if (i.path("guard").asBoolean() && !i.path("lastSnapshot").isNull() && !i.path("lastSnapshot").isMissingNode()) {
        n++;
      }
    }
    return n == IDLE_INSTANCES;
  }

  private static Path writeConfig(Path dir, Simulator sim, List<String> names, int port) {
    StringBuilder y = new StringBuilder();
    y.append("storage:\n  dir: ").append(dir).append("\n  keyFile: ").append(dir.resolve("cloneguard.key")).append("\n");
    y.append("instances:\n");
    for (String n : names) {
      boolean source = n.equals("prod");
      y.append("  - name: ").append(n).append("\n    url: ").append(sim.instance(n).url()).append("\n")
          .append("    auth:\n      type: basic\n      username: ").append(USER).append("\n      password: \"${env:CG_BENCH_PASSWORD}\"\n")
          .append("    watchCloneRequests: ").append(source).append("\n    guard: ").append(!source).append("\n");
    }
    y.append("cloneRequests:\n  poll: ").append(IDLE_POLL.toSeconds()).append("s\n");
    y.append("metrics:\n  listen: \"127.0.0.1:").append(port).append("\"\n");
    try {
      Path file = dir.resolve("cloneguard.yaml");
      Files.writeString(file, y.toString());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static InstanceConfig instance(String name, SimInstance sim, boolean watch, boolean guard) {
    return new InstanceConfig(name, sim.url(), AuthConfig.basic(USER, Secret.of(PASSWORD)), watch, guard, Policy.RESTORE, List.of("mid_server"));
  }

  /** utime + stime of a process, in clock ticks, from /proc/PID/stat. */
  static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of the full line
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CPU time of process " + pid + " (Linux /proc needed)", e);
    }
  }

  /** Threads of a process, from /proc/PID/status. */
  static long threads(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("Threads:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      return 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** VmRSS of a process in KiB, from /proc/PID/status. */
  static long rssKiB(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      return 0;
    } catch (IOException e) {
      return 0; // the process just exited
    }
  }

  static long clockTicksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
      String s = new String(p.getInputStream().readAllBytes()).strip();
      p.waitFor();
      return Long.parseLong(s);
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }

  private static double seconds(Instant from, Instant to) {
    if (from == null || to == null) {
      return Double.NaN;
    }
    return Duration.between(from, to).toMillis() / 1000.0;
  }

  private static void awaitTrue(Duration timeout, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("condition not met within " + timeout);
      }
      sleep(Duration.ofMillis(100));
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis()); // a benchmark's measuring window, not a test's synchronisation
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double round(double v) {
    return Math.round(v * 100.0) / 100.0;
  }

  private static void write(Map<String, Object> result) {
    try {
      Path file = BenchRunner.outputDir().resolve("daemon.json");
      Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
