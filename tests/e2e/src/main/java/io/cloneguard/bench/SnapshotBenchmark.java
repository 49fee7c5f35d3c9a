package io.cloneguard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cloneguard.config.AuthConfig;
import io.cloneguard.config.HttpConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.Policy;
import io.cloneguard.config.Secret;
import io.cloneguard.servicenow.Record;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.ServiceNowClients;
import io.cloneguard.servicenow.TableQuery;
import io.cloneguard.sim.Seed;
import io.cloneguard.sim.SeedResult;
import io.cloneguard.sim.SimInstance;
import io.cloneguard.sim.Simulator;
import io.cloneguard.snapshot.Snapshot;
import io.cloneguard.snapshot.SnapshotCapture;
import io.cloneguard.snapshot.SnapshotInfo;
import io.cloneguard.snapshot.SnapshotKey;
import io.cloneguard.snapshot.SnapshotStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Snapshot of 500 MID users (about 5,000 role rows, 2,000 memberships) from the simulator at 50 ms
 * per request: wall time against the request-count ideal, requests made, snapshot size and peak
 * heap; plus a naive sequential capture (one request per user per table) for comparison.
 */
public final class SnapshotBenchmark {
  static final int MID_USERS = 500;
  static final int GROUPS = 11; // "MID Server Users" (holds mid_server) + 10 plain groups
  static final int MID_SERVERS = 10;
  static final Duration LATENCY = Duration.ofMillis(50);
  static final int CONCURRENCY = 4;
  static final int PAGE_SIZE = 1000;
  static final int WARM_UPS = Integer.getInteger("cloneguard.bench.warmups", 3);
  static final int RUNS = 5;

  private SnapshotBenchmark() {}

  public static void main(String[] args) {
    Map<String, Object> result = run(System.out);
    System.out.println(result);
  }

  public static Map<String, Object> run(PrintStream out) {
    Map<String, Object> result = new LinkedHashMap<>();
    try (Simulator sim = Simulator.start("dev")) {
      SimInstance dev = sim.instance("dev");
      out.println("   seeding " + MID_USERS + " MID users ...");
      seed(dev);
      InstanceConfig instance = new InstanceConfig("dev", dev.url(), AuthConfig.basic(dev.adminUser(), Secret.of(dev.adminPassword())),
          false, true, Policy.RESTORE, List.of("mid_server"));
      HttpConfig http = new HttpConfig(CONCURRENCY, PAGE_SIZE, Duration.ofSeconds(10), Duration.ofSeconds(60), 10_000, null, null, null, 0,
          Duration.ofSeconds(1));
      dev.faults().latency(LATENCY, Duration.ZERO);
      SnapshotCapture capture = new SnapshotCapture(Clock.systemUTC(), "bench", CONCURRENCY, new SecureRandom());

      try (ServiceNowClient client = ServiceNowClients.create(instance, http, new SimpleMeterRegistry())) {
        for (int i = 0; i < WARM_UPS; i++) {
          capture.capture(client, instance, "manual"); // JIT, connections, login
        }
        dev.requestLog().clear();
        HeapSampler heap = HeapSampler.start();
        CountingClient counting = new CountingClient(client);
        long t0 = System.nanoTime();
        Snapshot snapshot = capture.capture(counting, instance, "manual");
        List<Double> walls = new ArrayList<>(List.of((System.nanoTime() - t0) / 1e6));
        long peakHeap = heap.stop();
        long requests = dev.requestLog().total();
        for (int i = 1; i < RUNS; i++) {
          long t = System.nanoTime();
          capture.capture(client, instance, "manual");
          walls.add((System.nanoTime() - t) / 1e6);
        }
        walls.sort(null);
        double wallMs = walls.get(walls.size() / 2);
        // The same reads without latency: what the simulator and client cost in CPU (one JVM, shared cores).
        dev.faults().latency(Duration.ZERO, Duration.ZERO);
        List<Double> cpu = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
          long t = System.nanoTime();
          capture.capture(client, instance, "manual");
          cpu.add((System.nanoTime() - t) / 1e6);
        }
        cpu.sort(null);
        dev.faults().latency(LATENCY, Duration.ZERO);

        double idealPerReadMs = counting.pagesPerRead(PAGE_SIZE) * (double) LATENCY.toMillis() / CONCURRENCY;
        double idealPerTableMs = counting.pagesPerTable(PAGE_SIZE) * (double) LATENCY.toMillis() / CONCURRENCY;
        result.put("midUsers", snapshot.users().size());
        result.put("rows", snapshot.metadata().counts());
        result.put("latencyMs", LATENCY.toMillis());
        result.put("concurrency", CONCURRENCY);
        result.put("pageSize", PAGE_SIZE);
        result.put("runs", RUNS);
        result.put("wallMs", round(wallMs));
        result.put("wallMsMin", round(walls.get(0)));
        result.put("wallMsMax", round(walls.get(walls.size() - 1)));
        result.put("wallMsAtZeroLatency", round(cpu.get(cpu.size() / 2)));
        result.put("reads", counting.reads());
        result.put("timeline", counting.timeline());
        result.put("requests", requests);
        result.put("idealMs", round(idealPerReadMs));
        result.put("ratio", round(wallMs / idealPerReadMs));
        result.put("idealPerTableMs", round(idealPerTableMs));
        result.put("ratioPerTable", round(wallMs / idealPerTableMs));
        result.put("ratioGoal", 1.25);
        result.put("snapshotJsonBytes", jsonSize(snapshot));
        result.put("snapshotFileBytes", fileSize(snapshot));
        result.put("peakHeapMiB", round(peakHeap / (1024.0 * 1024.0)));
        out.printf("   capture: median %.0f ms of %d runs (min %.0f, max %.0f; %.0f ms at 0 ms latency), %d requests over %d reads;"
                + " ideal %.0f ms (Σ per read) -> ratio %.2f; ideal %.0f ms (Σ per table) -> ratio %.2f%n",
            wallMs, RUNS, walls.get(0), walls.get(walls.size() - 1), cpu.get(cpu.size() / 2), requests, counting.reads(),
            idealPerReadMs, wallMs / idealPerReadMs, idealPerTableMs, wallMs / idealPerTableMs);
        counting.timeline().forEach(t -> out.println("     " + t));

        if (Boolean.getBoolean("cloneguard.bench.skipBaseline")) { // quicker iterations: the baseline takes minutes
          write(result);
          return result;
        }
        dev.requestLog().clear();
        long b0 = System.nanoTime();
        int baselineUsers = naiveSequentialCapture(client);
        double baselineMs = (System.nanoTime() - b0) / 1e6;
        result.put("baselineMs", round(baselineMs));
        result.put("baselineRequests", dev.requestLog().total());
        result.put("baselineUsers", baselineUsers);
        result.put("speedup", round(baselineMs / wallMs));
        result.put("speedupGoal", 10);
        out.printf("   naive sequential: %.0f ms, %d requests -> speedup %.1fx; snapshot %d bytes encrypted; peak heap %.0f MiB%n",
            baselineMs, dev.requestLog().total(), baselineMs / wallMs, (long) result.get("snapshotFileBytes"), peakHeap / (1024.0 * 1024.0));
      }
    }
    write(result);
    return result;
  }

  /** 500 MID users: all hold mid_server directly, every second one also through the MID group; 4 memberships each on average. */
  static void seed(SimInstance dev) {
    SeedResult seeded = dev.seed(Seed.midUsers(MID_USERS).groups(GROUPS).ordinaryUsers(200).midServers(MID_SERVERS));
    List<String> plainGroups = seeded.groupIds().subList(1, GROUPS);
    List<String> users = seeded.midUserIds();
    for (int i = 0; i < users.size(); i++) {
      // the seed gave user i plain group (i % 10); add the next two, and a third to every second user: 2,000 memberships in all
      dev.addMember(users.get(i), plainGroups.get((i + 1) % plainGroups.size()));
      dev.addMember(users.get(i), plainGroups.get((i + 2) % plainGroups.size()));
      if (i % 2 == 1) {
        dev.addMember(users.get(i), plainGroups.get((i + 3) % plainGroups.size()));
      }
    }
  }

  /** What a straightforward implementation does: one request per user for each of its tables, one after another. */
  static int naiveSequentialCapture(ServiceNowClient client) {
    List<Record> midGrants = client.list(TableQuery.of("sys_user_has_role", "role.name=mid_server").withFields("user"));
    Set<String> userIds = new TreeSet<>();
    midGrants.forEach(g -> userIds.add(g.get("user")));
    Set<String> groupIds = new TreeSet<>();
    for (String id : userIds) {
      client.get("sys_user", id, List.of());
      client.list(TableQuery.of("sys_user_has_role", "user=" + id));
      client.list(TableQuery.of("sys_user_grmember", "user=" + id)).forEach(m -> groupIds.add(m.get("group")));
    }
    for (String id : groupIds) {
      client.get("sys_user_group", id, List.of());
      client.list(TableQuery.of("sys_group_has_role", "group=" + id));
    }
    client.list(TableQuery.of("ecc_agent", ""));
    return userIds.size();
  }

  private static long jsonSize(Snapshot snapshot) {
    try {
      return new ObjectMapper().findAndRegisterModules().writeValueAsBytes(snapshot).length;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long fileSize(Snapshot snapshot) {
    try {
      Path dir = Files.createTempDirectory("cg-snapshot-bench");
      SnapshotKey.generate(dir.resolve("key"));
      SnapshotInfo info = new SnapshotStore(dir.resolve("storage"), SnapshotKey.load(dir.resolve("key"))).save(snapshot);
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      return info.sizeBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Map<String, Object> result) {
    try {
      Path file = BenchRunner.outputDir().resolve("snapshot.json");
      Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** Rows per read (one forEach) and per table, to compute the request-count ideal. */
  static final class CountingClient implements ServiceNowClient {
    private final ServiceNowClient real;
    private final List<long[]> readRows = new ArrayList<>();
    private final Map<String, AtomicLong> tableRows = new ConcurrentHashMap<>();
    private final List<String> timeline = new ArrayList<>();
    private final long t0 = System.nanoTime();

    /** "table rows start-end ms" per read, in the order they finished. */
    List<String> timeline() {
      synchronized (readRows) {
        return List.copyOf(timeline);
      }
    }

    CountingClient(ServiceNowClient real) {
      this.real = real;
    }

    int reads() {
      synchronized (readRows) {
        return readRows.size();
      }
    }

    /** Σ over reads of ⌈rows/page⌉, at least one request each. */
    long pagesPerRead(int pageSize) {
      synchronized (readRows) {
        return readRows.stream().mapToLong(r -> Math.max(1, (r[0] + pageSize - 1) / pageSize)).sum();
      }
    }

    /** Σ over tables of ⌈rows/page⌉: the floor for any way of reading the same rows. */
    long pagesPerTable(int pageSize) {
      return tableRows.values().stream().mapToLong(n -> Math.max(1, (n.get() + pageSize - 1) / pageSize)).sum();
    }

    @Override
    public String instance() {
      return real.instance();
    }

    @Override
    public void forEach(TableQuery query, Consumer<Record> sink) {
      long[] n = new long[1];
      long start = System.nanoTime();
      real.forEach(query, r -> {
        n[0]++;
        sink.accept(r);
      });
      long end = System.nanoTime();
      synchronized (readRows) {
        readRows.add(n);
        timeline.add(String.format("%s %d rows %d-%d ms", query.table(), n[0], (start - t0) / 1_000_000, (end - t0) / 1_000_000));
      }
      tableRows.computeIfAbsent(query.table() + (query.query().startsWith("role.name") ? " (MID grants)" : ""), t -> new AtomicLong())
          .addAndGet(n[0]);
    }

    @Override
    public Optional<Record> get(String table, String sysId, List<String> fields) {
      return real.get(table, sysId, fields);
    }

    @Override
    public Record insert(String table, Map<String, String> values) {
      throw new UnsupportedOperationException("the benchmark only reads");
    }

    @Override
    public Record patch(String table, String sysId, Map<String, String> values) {
      throw new UnsupportedOperationException("the benchmark only reads");
    }

    @Override
    public long count(String table, String query) {
      return real.count(table, query);
    }

    @Override
    public void setPassword(String userSysId, Secret password) {
      throw new UnsupportedOperationException("the benchmark only reads");
    }

    @Override
    public void close() {}
  }

  /** Samples used heap every 5 ms; the whole JVM, so the in-process simulator counts too. */
  static final class HeapSampler implements Runnable {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Thread thread = new Thread(this, "heap-sampler");
    private volatile boolean running = true;
    private volatile long peak;

    static HeapSampler start() {
      System.gc();
      HeapSampler s = new HeapSampler();
      s.thread.setDaemon(true);
      s.thread.start();
      return s;
    }

    @Override
    public void run() {
      while (running) {
        peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    long stop() {
      running = false;
      thread.interrupt();
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Math.max(peak, memory.getHeapMemoryUsage().getUsed());
    }
  }
}
