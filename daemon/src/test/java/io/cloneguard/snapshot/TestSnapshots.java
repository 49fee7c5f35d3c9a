package io.cloneguard.snapshot;

import io.cloneguard.servicenow.Record;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Small, valid snapshots for storage and command tests. */
public final class TestSnapshots {
  private TestSnapshots() {}

  public static Snapshot small(String instance, String id, Instant takenAt) {
    return small(instance, id, takenAt, "manual");
  }

  public static Snapshot small(String instance, String id, Instant takenAt, String trigger) {
    Record user = Record.of("sys_user", Map.of("sys_id", "u1", "user_name", "mid.dev", "roles", "mid_server", "active", "true"));
    Record role = Record.of("sys_user_role", Map.of("sys_id", "r1", "name", "mid_server"));
    Record grant = Record.of("sys_user_has_role", Map.of("sys_id", "g1", "user", "u1", "role", "r1", "inherited", "false", "granted_by", ""));
    Record group = Record.of("sys_user_group", Map.of("sys_id", "grp1", "name", "MID Servers"));
    Record member = Record.of("sys_user_grmember", Map.of("sys_id", "m1", "user", "u1", "group", "grp1"));
    Record agent = Record.of("ecc_agent", Map.of("sys_id", "a1", "name", "mid-dev-1", "status", "Up", "user_name", "mid.dev", "validated", "true"));
    Snapshot unsealed = new Snapshot(metadata(instance, id, takenAt, trigger, ""), List.of(user), List.of(grant), List.of(member),
        List.of(group), List.of(), List.of(role), List.of(agent), List.of(), List.of());
    return seal(unsealed);
  }

  public static Snapshot seal(Snapshot s) {
    SnapshotMetadata m = s.metadata();
    SnapshotMetadata sealed = new SnapshotMetadata(m.formatVersion(), m.id(), m.instance(), m.instanceUrl(), m.takenAt(),
        m.cloneguardVersion(), m.trigger(), SnapshotTables.counts(s), SnapshotTables.contentHash(s));
    return new Snapshot(sealed, s.users(), s.roleGrants(), s.memberships(), s.groups(), s.groupRoles(), s.roles(),
        s.midServers(), s.preservers(), s.excludes());
  }

  private static SnapshotMetadata metadata(String instance, String id, Instant takenAt, String trigger, String hash) {
    return new SnapshotMetadata(SnapshotMetadata.FORMAT_VERSION, id, instance, "https://" + instance + ".service-now.com",
        takenAt, "test", trigger, Map.of(), hash);
  }
}
