package io.cloneguard.schedule;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.snapshot.Snapshot;
import io.cloneguard.snapshot.SnapshotCapture;
import io.cloneguard.snapshot.SnapshotInfo;
import io.cloneguard.snapshot.SnapshotKey;
import io.cloneguard.snapshot.SnapshotStore;
import io.cloneguard.snapshot.SnapshotTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The snapshot half of {@link GuardOperations}: capture, store, newest snapshot, retention, and the
 * one-request MID user count. Listing snapshots opens every file, so the newest one is cached per
 * instance and re-read only when the instance's snapshot directory changes (a manual
 * {@code cloneguard snapshot} from another process changes it too).
 */
abstract class SnapshotOperations implements GuardOperations {
  private final CloneGuardConfig config;
  private final Map<String, ServiceNowClient> clients;
  private final SnapshotCapture capture;
  private final Clock clock;
  private SnapshotKey key;
  private SnapshotStore store;
  private final Map<String, Cached> latest = new ConcurrentHashMap<>();

  private record Cached(FileTime dirTime, Optional<SnapshotRef> ref) {}

  SnapshotOperations(CloneGuardConfig config, Map<String, ServiceNowClient> clients, Clock clock) {
    this.config = config;
    this.clients = clients;
    this.clock = clock;
    this.capture = new SnapshotCapture(clock, Daemon.version());
  }

  /** Loaded on first use, so a missing key file is a preflight warning and a failing job, not a failed start. */
  synchronized SnapshotKey key() {
    if (key == null) {
      key = SnapshotKey.load(config.storage().keyFile());
    }
    return key;
  }

  synchronized SnapshotStore store() {
    if (store == null) {
      store = new SnapshotStore(config.storage().dir(), key());
    }
    return store;
  }

  ServiceNowClient client(String instance) {
    ServiceNowClient c = clients.get(instance);
    if (c == null) {
      throw new IllegalStateException("no client for instance " + instance);
    }
    return c;
  }

  @Override
  public SnapshotRef takeSnapshot(InstanceConfig instance, String trigger) {
    SnapshotInfo info;
    // Held across capture and save, so a CLI snapshot of the same instance waits instead of interleaving.
    try (var lock = store().lock(instance.name())) {
      info = store().save(capture.capture(client(instance.name()), instance, trigger));
    }
    latest.remove(instance.name());
    return refOf(info);
  }

  @Override
  public Optional<SnapshotRef> latestSnapshot(String instance) {
    Path dir = config.storage().dir().resolve(instance);
    FileTime time;
    try {
      time = Files.isDirectory(dir) ? Files.getLastModifiedTime(dir) : FileTime.fromMillis(0);
    } catch (IOException e) {
      time = FileTime.fromMillis(-1);
    }
    Cached c = latest.get(instance);
    if (c != null && c.dirTime().equals(time)) {
      return c.ref();
    }
    Optional<SnapshotRef> ref = Files.isDirectory(dir) ? store().latest(instance).map(SnapshotOperations::refOf) : Optional.empty();
    latest.put(instance, new Cached(time, ref));
    return ref;
  }

  @Override
  public long countMidUsers(InstanceConfig instance) {
    return client(instance.name()).count("sys_user", midUserQuery(instance.midRoles()));
  }

  /** {@code roles=mid_server}, the encoding the platform's own sys_user preserver uses; OR-ed for several roles. */
  static String midUserQuery(List<String> roles) {
    StringBuilder q = new StringBuilder();
    for (String r : roles) {
      q.append(q.length() == 0 ? "" : "^OR").append("roles=").append(r);
    }
    return q.toString();
  }

  @Override
  public List<String> prune(String instance, int keep, Set<String> protectedIds) {
    if (!Files.isDirectory(config.storage().dir().resolve(instance))) {
      return List.of();
    }
    List<String> removed = store().prune(instance, keep, protectedIds).stream().map(SnapshotInfo::ref).toList();
    latest.remove(instance);
    return removed;
  }

  Clock clock() {
    return clock;
  }

  static SnapshotRef refOf(SnapshotInfo info) {
    return new SnapshotRef(info.instance(), info.id(), info.takenAt(), info.trigger(), info.counts().getOrDefault(SnapshotTables.USERS, -1));
  }
}
