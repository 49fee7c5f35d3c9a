package io.cloneguard.sim;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The simulator as a process: {@code --instances prod,dev --seed-mid-users 20 --port 0}. Prints each
 * instance's URL and admin credentials and runs until Ctrl-C. {@code cloneguard simulator} calls
 * {@link #run(String[])} reflectively.
 */
public final class SimulatorMain {
  static final String USAGE = "usage: simulator [--instances prod,dev] [--seed-mid-users N] [--mid-servers K] [--ordinary-users M]"
      + " [--port P (0 = ephemeral, else first of sequential ports)] [--mid-ticker-ms MS] [--mid-preservers]";

  /** Parsed command line. */
  record Options(List<String> instances, int midUsers, int midServers, int ordinaryUsers, int port, Duration midTicker, boolean midPreservers) {}

  private SimulatorMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Starts, prints, blocks until the JVM is asked to stop; returns 2 on a usage error. */
  public static int run(String[] args) {
    Simulator sim;
    try {
      sim = start(parse(args), System.out);
    } catch (IllegalArgumentException e) {
      System.err.println("simulator: " + e.getMessage());
      System.err.println(USAGE);
      return 2;
    } catch (RuntimeException e) {
      System.err.println("simulator: " + e.getMessage());
      return 3;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sim.close();
      System.out.println("simulator: stopped");
      stopped.countDown();
    }, "sim-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  static Options parse(String[] args) {
    List<String> instances = List.of("prod", "dev");
    int midUsers = 0;
    int midServers = -1;
    int ordinary = 0;
    int port = 0;
    Duration ticker = Duration.ofSeconds(2);
    boolean preservers = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (name.equals("--mid-preservers")) {
        preservers = true;
        continue;
      }
      String value;
      if (a.contains("=")) {
        value = a.substring(a.indexOf('=') + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("option " + name + " needs a value");
      }
      switch (name) {
        case "--instances" -> {
          List<String> names = new ArrayList<>();
          for (String n : value.split(",")) {
            if (!n.isBlank()) {
              names.add(n.trim());
            }
          }
          instances = names;
        }
        case "--seed-mid-users" -> midUsers = number(name, value);
        case "--mid-servers" -> midServers = number(name, value);
        case "--ordinary-users" -> ordinary = number(name, value);
        case "--port" -> port = number(name, value);
        case "--mid-ticker-ms" -> ticker = Duration.ofMillis(Math.max(1, number(name, value)));
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    if (instances.isEmpty()) {
      throw new IllegalArgumentException("--instances needs at least one name, e.g. --instances prod,dev");
    }
    int servers = midServers < 0 ? Math.min(midUsers, 3) : midServers;
    if (servers > midUsers) {
      throw new IllegalArgumentException("--mid-servers " + servers + " needs at least as many --seed-mid-users, got " + midUsers);
    }
    return new Options(List.copyOf(instances), midUsers, servers, ordinary, port, ticker, preservers);
  }

  private static int number(String option, String value) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option " + option + " needs a non-negative number, got '" + value + "'");
    }
  }

  /** Starts and seeds the instances and prints how to reach them. */
  static Simulator start(Options o, PrintStream out) {
    Simulator sim = Simulator.builder().instances(o.instances().toArray(String[]::new)).basePort(o.port()).midTickerPeriod(o.midTicker()).start();
    try {
      for (SimInstance i : sim.instances()) {
        if (o.midUsers() > 0 || o.ordinaryUsers() > 0) {
          i.seed(Seed.midUsers(o.midUsers()).groups(Math.min(o.midUsers(), 2)).ordinaryUsers(o.ordinaryUsers()).midServers(o.midServers()));
        }
        if (o.midPreservers()) {
          i.addMidPreservers();
        }
        out.printf("simulator: instance %s at %s  user %s  password %s%n", i.name(), i.url(), i.adminUser(), i.adminPassword());
      }
      if (o.midUsers() > 0) {
        out.printf("simulator: each instance has %d MID users (role mid_server), %d MID Servers, %d ordinary users%n",
            o.midUsers(), o.midServers(), o.ordinaryUsers());
      }
      out.println("simulator: try  curl -u admin:PASSWORD '" + sim.instances().get(0).url() + "/api/now/table/sys_user?sysparm_query=roles=mid_server&sysparm_limit=5'");
      out.println("simulator: control endpoints under /sim/ (GET /sim/ lists them); running until Ctrl-C");
      out.flush();
      return sim;
    } catch (RuntimeException e) {
      sim.close();
      throw e;
    }
  }
}
