package io.cloneguard.sim;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test (not run by verify): prints the simulator's figures. Instance start time, memory and
 * seed time for many users, and list requests per second for 100-record pages with N client threads.
 * Run: java -cp ... io.cloneguard.sim.ThroughputBenchmark [users=100000] [seconds=5] [threads=1,2,4,8]
 */
public final class ThroughputBenchmark {
  public static void main(String[] args) throws Exception {
    int users = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String[] threadCounts = (args.length > 2 ? args[2] : "1,2,4,8").split(",");

    // Instance start time: first (cold) and the median of the next 20.
    long cold = time(() -> Simulator.start("cold").close());
    List<Long> warm = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      warm.add(time(() -> Simulator.start("warm").close()));
    }
    warm.sort(null);
    System.out.printf("instance start: cold %d ms, warm median %d ms, warm max %d ms%n", cold / 1_000_000, warm.get(10) / 1_000_000,
        warm.get(19) / 1_000_000);

    try (Simulator sim = Simulator.start("bench")) {
      SimInstance bench = sim.instance("bench");
      Runtime rt = Runtime.getRuntime();
      System.gc();
      long before = rt.totalMemory() - rt.freeMemory();
      long seedNanos = time(() -> bench.seed(Seed.midUsers(20).groups(2).ordinaryUsers(users)));
      System.gc();
      long after = rt.totalMemory() - rt.freeMemory();
      System.out.printf("held %d users (+%d grants): seeded in %d ms, heap +%d MB%n", bench.count("sys_user", ""),
          bench.count("sys_user_has_role", ""), seedNanos / 1_000_000, (after - before) / (1024 * 1024));

      String auth = Api.basic(bench.adminUser(), bench.adminPassword());
      int total = bench.count("sys_user", "");
      for (String tc : threadCounts) {
        int threads = Integer.parseInt(tc.trim());
        run(bench.url(), auth, threads, 1, total, "");                       // warm-up
        double rps = run(bench.url(), auth, threads, seconds, total, "");
        double rpsQuery = run(bench.url(), auth, threads, seconds, total, "&sysparm_query=ORDERBYsys_id");
        System.out.printf("%d client threads: %.0f list req/s (100 records, any offset), %.0f req/s with ORDERBYsys_id%n", threads, rps, rpsQuery);
      }
      double midRps = runQuery(bench.url(), auth, 2, seconds, "/api/now/table/sys_user?sysparm_query=roles%3Dmid_server&sysparm_limit=100");
      System.out.printf("2 client threads: %.0f req/s for roles=mid_server over %d users (full scan each)%n", midRps, total);
    }
  }

  private static double run(URI base, String auth, int threads, int seconds, int total, String extra) throws InterruptedException {
    return load(threads, seconds, client -> {
      int offset = ThreadLocalRandom.current().nextInt(Math.max(1, total - 100));
      return HttpRequest.newBuilder(base.resolve("/api/now/table/sys_user?sysparm_limit=100&sysparm_offset=" + offset + extra))
          .header("Authorization", auth).build();
    });
  }

  private static double runQuery(URI base, String auth, int threads, int seconds, String path) throws InterruptedException {
    return load(threads, seconds, client -> HttpRequest.newBuilder(base.resolve(path)).header("Authorization", auth).build());
  }

  interface Requests {
    HttpRequest next(HttpClient client);
  }

  private static double load(int threads, int seconds, Requests requests) throws InterruptedException {
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    List<Thread> workers = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        while (System.nanoTime() < end) {
          try {
            HttpResponse<byte[]> r = client.send(requests.next(client), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() == 200 && r.body().length > 1000) {
              done.incrementAndGet();
            } else {
              failed.incrementAndGet();
            }
          } catch (Exception e) {
            failed.incrementAndGet();
          }
        }
      });
      w.start();
      workers.add(w);
    }
    for (Thread w : workers) {
      w.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (failed.get() > 0) {
      System.out.printf("  (%d failed requests)%n", failed.get());
    }
    return done.get() / elapsed;
  }

  private static long time(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return System.nanoTime() - t0;
  }
}
