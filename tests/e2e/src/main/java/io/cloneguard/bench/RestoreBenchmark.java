package io.cloneguard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cloneguard.config.AuthConfig;
import io.cloneguard.config.HttpConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.Policy;
import io.cloneguard.config.Secret;
import io.cloneguard.restore.AuditLog;
import io.cloneguard.restore.DiffReport;
import io.cloneguard.restore.Differ;
import io.cloneguard.restore.MidReport;
import io.cloneguard.restore.MidServerCheck;
import io.cloneguard.restore.PasswordEscrow;
import io.cloneguard.restore.RestoreExecutor;
import io.cloneguard.restore.RestorePlan;
import io.cloneguard.restore.RestorePlanner;
import io.cloneguard.restore.RestoreResult;
import io.cloneguard.restore.RestoreStep;
import io.cloneguard.restore.TableDiff;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.ServiceNowClients;
import io.cloneguard.servicenow.Sleeper;
import io.cloneguard.sim.Seed;
import io.cloneguard.sim.SeedResult;
import io.cloneguard.sim.SimInstance;
import io.cloneguard.sim.Simulator;
import io.cloneguard.snapshot.Snapshot;
import io.cloneguard.snapshot.SnapshotCapture;
import io.cloneguard.snapshot.SnapshotKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Restore of a full wipe of 500 MID users (5,000 direct role grants, 2,000 memberships, 11 groups,
 * 500 escrowed passwords) at 50 ms per request, concurrency 4: wall time of diff + plan + execute
 * against the ideal Σ over phases of ⌈writes in phase / concurrency⌉ × 50 ms (phases must run in
 * order, writes within one may overlap), and the writes made against the gaps found.
 */
public final class RestoreBenchmark {
  static final Duration LATENCY = Duration.ofMillis(50);
  static final int CONCURRENCY = 4;
  static final int PAGE_SIZE = 1000;
  /** With mid_server, ten direct grants per MID user: 5,000 in all. None conflicts with mid_server. */
  static final List<String> EXTRA_DIRECT_ROLES = List.of(
      "itil", "snc_internal", "snc_platform_rest_api_access", "web_service_admin", "soap", "soap_query", "soap_create", "soap_update", "soap_delete");

  private RestoreBenchmark() {}

  public static void main(String[] args) {
    Map<String, Object> result = run(System.out);
    System.out.println(result);
  }

  public static Map<String, Object> run(PrintStream out) {
    Map<String, Object> result = new LinkedHashMap<>();
    Path tmp = null;
    try (Simulator sim = Simulator.builder().instances("dev").midTickerPeriod(Duration.ofMillis(500)).start()) {
      tmp = Files.createTempDirectory("cg-restore-bench");
      SimInstance dev = sim.instance("dev");
      out.println("   seeding 500 MID users, 5,000 direct grants, 2,000 memberships ...");
      SeedResult seeded = seed(dev);
      InstanceConfig instance = new InstanceConfig("dev", dev.url(), AuthConfig.basic(dev.adminUser(), Secret.of(dev.adminPassword())),
          false, true, Policy.RESTORE, List.of("mid_server"));
      HttpConfig http = new HttpConfig(CONCURRENCY, PAGE_SIZE, Duration.ofSeconds(10), Duration.ofSeconds(60), 10_000, null, null, null, 0,
          Duration.ofSeconds(1));
      SnapshotKey.generate(tmp.resolve("key"));
      PasswordEscrow escrow = new PasswordEscrow(tmp, SnapshotKey.load(tmp.resolve("key")));
      seeded.midPasswords().forEach((user, pw) -> escrow.put("dev", user, Secret.of(pw)));

      try (ServiceNowClient client = ServiceNowClients.create(instance, http, new SimpleMeterRegistry());
          AuditLog audit = new AuditLog(tmp.resolve("audit.jsonl"))) {
        Snapshot snapshot = new SnapshotCapture(Clock.systemUTC(), "bench", CONCURRENCY, new SecureRandom()).capture(client, instance, "manual");
        // Warm up the JIT and the connection pool on the real path (reads only) before the clock starts.
        for (int i = 0; i < 3; i++) {
          new Differ().diff(snapshot, client);
        }
        wipe(dev, seeded);
        dev.faults().latency(LATENCY, Duration.ZERO);
        dev.requestLog().clear();

        long t0 = System.nanoTime();
        DiffReport diff = new Differ().diff(snapshot, client, "prod");
        long tDiff = System.nanoTime();
        RestorePlan plan = new RestorePlanner(Clock.systemUTC(), audit).plan(snapshot, diff, Set.of(), escrow);
        long tPlan = System.nanoTime();
        RestoreResult restored = new RestoreExecutor(audit, new SimpleMeterRegistry(), Clock.systemUTC(), CONCURRENCY).execute(plan, client, escrow);
        long tEnd = System.nanoTime();
        long reads = dev.requestLog().entries().stream().filter(e -> e.method().equals("GET")).count();
        long writes = dev.requestLog().writes();

        dev.faults().latency(Duration.ZERO, Duration.ZERO);
        DiffReport after = new Differ().diff(snapshot, client);
        MidReport mids = new MidServerCheck(Clock.systemUTC(), Sleeper.REAL, escrow, List.of("mid_server"))
            .await(snapshot, client, Duration.ofSeconds(20), Duration.ofMillis(250));

        int gaps = diff.tables().stream().filter(t -> !t.table().equals("sys_user_role")).mapToInt(TableDiff::gapCount).sum();
        int passwordGaps = plan.steps(RestoreStep.Phase.PASSWORDS).size();
        long idealSlots = 0;
        Map<String, Integer> perPhase = new LinkedHashMap<>();
        for (RestoreStep.Phase phase : RestoreStep.Phase.values()) {
          int n = plan.steps(phase).size();
          perPhase.put(phase.name().toLowerCase(), n);
          idealSlots += (n + CONCURRENCY - 1) / CONCURRENCY;
        }
        double idealMs = idealSlots * (double) LATENCY.toMillis();
        double wallMs = (tEnd - t0) / 1e6;
        result.put("midUsers", snapshot.users().size());
        result.put("directGrants", snapshot.roleGrants().stream().filter(g -> !g.isTrue("inherited")).count());
        result.put("memberships", snapshot.memberships().size());
        result.put("groups", snapshot.groups().size());
        result.put("latencyMs", LATENCY.toMillis());
        result.put("concurrency", CONCURRENCY);
        result.put("gapsFound", gaps);
        result.put("passwordsToSet", passwordGaps);
        result.put("writesPlanned", plan.steps().size());
        result.put("writesPerPhase", perPhase);
        result.put("writesMade", writes);
        result.put("writesGoal", gaps + passwordGaps);
        result.put("reads", reads);
        result.put("failures", restored.failures());
        result.put("wallMs", round(wallMs));
        result.put("diffMs", round((tDiff - t0) / 1e6));
        result.put("planMs", round((tPlan - tDiff) / 1e6));
        result.put("executeMs", round((tEnd - tPlan) / 1e6));
        result.put("idealMs", round(idealMs));
        result.put("ratio", round(wallMs / idealMs));
        result.put("ratioExecuteOnly", round((tEnd - tPlan) / 1e6 / idealMs));
        result.put("ratioGoal", 1.25);
        result.put("gapsAfter", after.tables().stream().mapToInt(TableDiff::gapCount).sum());
        result.put("midServersUp", mids.agents().stream().filter(a -> a.up()).count() + "/" + mids.agents().size());
        out.printf("   restore: %.0f ms (diff %.0f, plan %.0f, execute %.0f); ideal %.0f ms (%s by phase, %d at a time, %d ms each) -> ratio %.3f%n",
            wallMs, (tDiff - t0) / 1e6, (tPlan - tDiff) / 1e6, (tEnd - tPlan) / 1e6, idealMs, perPhase, CONCURRENCY, LATENCY.toMillis(), wallMs / idealMs);
        out.printf("   writes made %d, gaps %d + passwords %d = %d; reads %d; failures %d; gaps after %s; MID Servers Up %s%n",
            writes, gaps, passwordGaps, gaps + passwordGaps, reads, restored.failures().size(), result.get("gapsAfter"), result.get("midServersUp"));
      }
      write(result);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(tmp);
    }
  }

  /**
   * The snapshot benchmark's landscape (500 MID users, 11 groups, 2,000 memberships, 10 MID Servers),
   * plus nine more direct grants per user: 5,000 direct grants.
   */
  static SeedResult seed(SimInstance dev) {
    SeedResult seeded = dev.seed(Seed.midUsers(500).groups(11).midServers(10));
    List<String> plainGroups = seeded.groupIds().subList(1, 11);
    List<String> users = seeded.midUserIds();
    for (int i = 0; i < users.size(); i++) {
      // the seed gave user i one plain group; the next two, and a third for every second user, make 2,000 memberships
      dev.addMember(users.get(i), plainGroups.get((i + 1) % plainGroups.size()));
      dev.addMember(users.get(i), plainGroups.get((i + 2) % plainGroups.size()));
      if (i % 2 == 1) {
        dev.addMember(users.get(i), plainGroups.get((i + 3) % plainGroups.size()));
      }
      for (String role : EXTRA_DIRECT_ROLES) {
        dev.grantRole(users.get(i), role);
      }
    }
    return seeded;
  }

  /** A clone from a source without preservers, done directly: every MID user, and every group they were in, deleted. */
  static void wipe(SimInstance dev, SeedResult seeded) {
    seeded.midUserIds().forEach(id -> dev.remove("sys_user", id));
    seeded.groupIds().forEach(id -> dev.remove("sys_user_group", id));
  }

  private static void write(Map<String, Object> result) {
    try {
      Path file = BenchRunner.outputDir().resolve("restore.json");
      Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
