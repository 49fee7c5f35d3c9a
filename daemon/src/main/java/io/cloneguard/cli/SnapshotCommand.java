package io.cloneguard.cli;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.ConfigException;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.SecretMask;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.ServiceNowClients;
import io.cloneguard.servicenow.ServiceNowException;
import io.cloneguard.snapshot.InstanceLock;
import io.cloneguard.snapshot.Snapshot;
import io.cloneguard.snapshot.SnapshotCapture;
import io.cloneguard.snapshot.SnapshotException;
import io.cloneguard.snapshot.SnapshotInfo;
import io.cloneguard.snapshot.SnapshotKey;
import io.cloneguard.snapshot.SnapshotStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cloneguard snapshot <instance>...}: captures and stores a snapshot of each instance, then applies retention. */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description = {
      "Takes a snapshot of the MID Server accounts of one or more instances and prints each snapshot's ref (instance/id).",
      "An instance that fails is reported on stderr with the reason; the others are still snapshotted. Exit code 3 if any failed."
    })
final class SnapshotCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "INSTANCE", description = "Configured instance names.")
  List<String> instances;

  @Option(names = "--output", paramLabel = "text|json", description = "text (one ref per line, the default) or json.")
  OutputFormat output = OutputFormat.text;

  @Override
  public Integer call() {
    CloneGuardConfig config = main.loadConfig();
    List<InstanceConfig> targets = instances.stream().map(name -> instanceOf(config, name)).toList();
    SnapshotStore store = store(config);
    // As many table reads in flight as the client has request slots: each read's first page then starts at once.
    SnapshotCapture capture = new SnapshotCapture(Clock.systemUTC(), VersionInfo.version(), config.http().concurrency(), new SecureRandom());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<SnapshotInfo> taken = new ArrayList<>();
    Map<String, String> failed = new LinkedHashMap<>();
    for (InstanceConfig instance : targets) {
      try {
        SnapshotInfo info = snapshot(instance, config, store, capture);
        taken.add(info);
        if (output == OutputFormat.text) {
          out.println(info.ref());
          out.flush();
        }
        for (SnapshotInfo removed : store.prune(instance.name(), config.storage().keepPerInstance(), Set.of())) {
          err.println("cloneguard: pruned " + removed.ref() + " (storage.keepPerInstance is " + config.storage().keepPerInstance() + ")");
        }
      } catch (SnapshotException | ServiceNowException | ConfigException e) {
        String reason = e instanceof ConfigException ce ? String.join("; ", ce.problems()) : e.getMessage();
        failed.put(instance.name(), SecretMask.mask(reason));
        err.println("cloneguard: " + SecretMask.mask(reason));
      }
      err.flush();
    }
    if (output == OutputFormat.json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("snapshots", taken);
      result.put("failures", failed);
      Json.print(out, result);
    }
    return failed.isEmpty() ? Main.OK : Main.FAILURE;
  }

  private static SnapshotInfo snapshot(InstanceConfig instance, CloneGuardConfig config, SnapshotStore store, SnapshotCapture capture) {
    // The lock covers capture and save, so a daemon snapshotting the same instance waits for us (and we for it).
    try (InstanceLock lock = store.lock(instance.name());
        ServiceNowClient client = ServiceNowClients.create(instance, config.http(), new SimpleMeterRegistry())) {
      Snapshot snapshot = capture.capture(client, instance, "manual");
      return store.save(snapshot);
    }
  }

  /** The configured instance, or a usage error listing the configured names. */
  static InstanceConfig instanceOf(CloneGuardConfig config, String name) {
    return config.instance(name).orElseThrow(() -> new UsageException("unknown instance '" + name + "'; configured instances: "
        + String.join(", ", config.instances().stream().map(InstanceConfig::name).toList()) + " (in " + config.file() + ")"));
  }

  /** The snapshot store of the configuration, with its key loaded. */
  static SnapshotStore store(CloneGuardConfig config) {
    return new SnapshotStore(config.storage().dir(), SnapshotKey.load(config.storage().keyFile()));
  }
}
