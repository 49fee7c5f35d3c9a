package io.cloneguard.restore;

import io.cloneguard.config.AuthConfig;
import io.cloneguard.config.HttpConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.Policy;
import io.cloneguard.config.Secret;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.ServiceNowClients;
import io.cloneguard.sim.CloneHandle;
import io.cloneguard.sim.CloneOptions;
import io.cloneguard.sim.SimInstance;
import io.cloneguard.sim.Simulator;
import io.cloneguard.snapshot.Snapshot;
import io.cloneguard.snapshot.SnapshotCapture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Real clients, snapshots and clones against the simulator, for the restore scenarios. */
final class SimHarness {
  static final HttpConfig HTTP = new HttpConfig(4, 1000, Duration.ofSeconds(2), Duration.ofSeconds(10), 0, null, null, null, 0, Duration.ofSeconds(5));

  private SimHarness() {}

  static InstanceConfig config(SimInstance instance) {
    return new InstanceConfig(instance.name(), URI.create(instance.url().toString()),
        AuthConfig.basic(instance.adminUser(), Secret.of(instance.adminPassword())), false, true, Policy.RESTORE, List.of("mid_server"));
  }

  /** A client logged in with the instance's admin account as it is now (a clone replaces its password with the source's). */
  static ServiceNowClient client(SimInstance instance) {
    return ServiceNowClients.create(config(instance), HTTP, new SimpleMeterRegistry());
  }

  static Snapshot snapshot(SimInstance instance) {
    try (ServiceNowClient client = client(instance)) {
      return new SnapshotCapture(Clock.systemUTC(), "test").capture(client, config(instance), "manual");
    }
  }

  static CloneHandle cloneAndWait(Simulator sim, String source, String target, boolean legacyFallback) {
    return sim.clone(source, target, CloneOptions.defaults().phaseDuration(Duration.ofMillis(30)).legacyFallback(legacyFallback))
        .awaitState("Completed", Duration.ofSeconds(10));
  }
}
