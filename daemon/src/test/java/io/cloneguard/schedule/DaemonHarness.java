package io.cloneguard.schedule;

import static org.awaitility.Awaitility.await;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.Policy;
import io.cloneguard.config.SchedulerConfig;
import io.cloneguard.servicenow.ClientRuntime;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.ServiceNowClients;
import io.cloneguard.sim.SimInstance;
import io.cloneguard.sim.Simulator;
import io.cloneguard.snapshot.SnapshotKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A simulator (prod as the clone source, guarded targets) plus daemons pointed at it, with short
 * intervals: poll 200 ms, settle 0 s + 2 polls, MID ticker 100 ms. Every daemon logs in as
 * {@code svc.cloneguard}, which exists with the same password on every instance, so a clone from
 * prod keeps it working (as the platform would with a copied account).
 */
final class DaemonHarness implements AutoCloseable {
  static final String USER = "svc.cloneguard";
  static final String PASSWORD = "Cg-test-pw-4711";

  final Simulator sim;
  final Path dir;
  final List<Daemon> daemons = new ArrayList<>();
  private final java.util.Map<String, String> passwords = new java.util.HashMap<>();
  private final List<String> targets;

  DaemonHarness(Path dir, String... targets) {
    this.dir = dir;
    this.targets = List.of(targets);
    List<String> names = new ArrayList<>(List.of("prod"));
    names.addAll(this.targets);
    this.sim = Simulator.builder().instances(names.toArray(String[]::new)).midTickerPeriod(Duration.ofMillis(100)).start();
    for (String n : names) {
      sim.instance(n).addUser(USER, PASSWORD, "user_admin", "clone_admin");
    }
    SnapshotKey.generate(dir.resolve("cloneguard.key"));
  }

  /** Gives CloneGuard's account on one instance its own password (on the instance and in the configuration). */
  void usePassword(String instance, String password) {
    SimInstance i = sim.instance(instance);
    i.rows("sys_user", "user_name=" + USER).forEach(r -> i.setPassword(r.get("sys_id"), password));
    passwords.put(instance, password);
  }

  String password(String instance) {
    return passwords.getOrDefault(instance, PASSWORD);
  }

  SimInstance prod() {
    return sim.instance("prod");
  }

  SimInstance target(String name) {
    return sim.instance(name);
  }

  CloneGuardConfig config(Policy policy) {
    return config(policy, SchedulerConfig.Store.EMBEDDED, null, null, null);
  }

  CloneGuardConfig config(Policy policy, SchedulerConfig.Store store, String url, String user, String password) {
    List<InstanceConfig> instances = new ArrayList<>();
    instances.add(TestConfigs.instance("prod", prod().url(), USER, password("prod"), true, false, Policy.RESTORE));
    for (String t : targets) {
      instances.add(TestConfigs.instance(t, target(t).url(), USER, password(t), false, true, policy));
    }
    return TestConfigs.config(dir, instances, store, url, user, password);
  }

  /** Clients that retry fast and whose circuit breaker re-probes after a second, so tests do not wait out production back-offs. */
  static ServiceNowClient fastClient(InstanceConfig instance, CloneGuardConfig config, io.micrometer.core.instrument.MeterRegistry registry) {
    ClientRuntime rt = ClientRuntime.system();
    rt = new ClientRuntime(rt.sleeper(), rt.clock(), rt.nanoTime(), Duration.ofMillis(20), Duration.ofMillis(100), 20, 10, Duration.ofSeconds(1));
    return ServiceNowClients.create(instance, config.http(), registry, rt);
  }

  Daemon start(CloneGuardConfig config) {
    return start(config, UnaryOperator.identity());
  }

  Daemon start(CloneGuardConfig config, UnaryOperator<DaemonOptions> tune) {
    Daemon d = Daemon.start(config, tune.apply(DaemonOptions.fast()), DaemonHarness::fastClient, LiveOperations::create);
    daemons.add(d);
    return d;
  }

  /** Waits until the daemon has a baseline of every target and preflight has run (its empty PATCHes are in the request log). */
  void awaitReady(Daemon d) {
    await().atMost(Duration.ofSeconds(20)).until(() -> d.preflightWarnings().keySet().containsAll(targets)
        && targets.stream().allMatch(t -> d.status().instances().stream().anyMatch(i -> i.name().equals(t) && i.lastSnapshot() != null)));
  }

  List<Workflow> workflows(Daemon d, String target) {
    return d.workflows().all(target);
  }

  @Override
  public void close() {
    for (Daemon d : daemons) {
      d.close();
    }
    sim.close();
  }
}
