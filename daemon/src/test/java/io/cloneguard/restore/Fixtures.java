package io.cloneguard.restore;

import io.cloneguard.servicenow.Record;
import io.cloneguard.snapshot.Snapshot;
import io.cloneguard.snapshot.SnapshotMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small dev instance as a snapshot saw it: {@code n} MID users holding mid_server directly (and
 * soap_query inherited through it), all members of group "MID Server Users", which itself grants
 * the role "mid_group_role"; one MID Server per user, Up.
 */
final class Fixtures {
  static final String MID_ROLE = "role-mid";
  static final String SOAP_ROLE = "role-soap";
  static final String GROUP_ROLE_ROLE = "role-grp";
  static final String GROUP = "group-mid";
  static final String GROUP_NAME = "MID Server Users";

  final String instance;
  final List<Record> users = new ArrayList<>();
  final List<Record> grants = new ArrayList<>();
  final List<Record> memberships = new ArrayList<>();
  final List<Record> groups = new ArrayList<>();
  final List<Record> groupRoles = new ArrayList<>();
  final List<Record> roles = new ArrayList<>();
  final List<Record> agents = new ArrayList<>();

  Fixtures(String instance, int n) {
    this.instance = instance;
    roles.add(role(MID_ROLE, "mid_server"));
    roles.add(role(SOAP_ROLE, "soap_query"));
    roles.add(role(GROUP_ROLE_ROLE, "mid_group_role"));
    groups.add(Record.of("sys_user_group", values("sys_id", GROUP, "name", GROUP_NAME, "active", "true", "roles", "mid_group_role",
        "sys_created_on", "2026-01-01 00:00:00")));
    groupRoles.add(Record.of("sys_group_has_role", values("sys_id", "gr-1", "group", GROUP, "role", GROUP_ROLE_ROLE)));
    for (int i = 1; i <= n; i++) {
      String id = userId(i);
      users.add(Record.of("sys_user", values(
          "sys_id", id, "user_name", "mid." + instance + i, "first_name", "MID", "last_name", "Server " + i, "email", "",
          "active", "true", "locked_out", "false", "web_service_access_only", "true", "internal_integration_user", "false",
          "roles", "mid_server,soap_query,mid_group_role", "password_needs_reset", "false",
          "sys_created_on", "2026-01-01 00:00:00", "sys_updated_by", "admin", "sys_mod_count", "3")));
      grants.add(grant("grant-" + i, id, MID_ROLE, false));
      grants.add(grant("grant-soap-" + i, id, SOAP_ROLE, true));
      memberships.add(Record.of("sys_user_grmember", values("sys_id", "member-" + i, "user", id, "group", GROUP)));
      agents.add(Record.of("ecc_agent", values("sys_id", "agent-" + i, "name", "mid-" + i, "status", "Up", "validated", "true",
          "user_name", "mid." + instance + i, "host_name", "midhost" + i)));
    }
  }

  static String userId(int i) {
    return String.format("user-%03d", i);
  }

  static Record role(String id, String name) {
    return Record.of("sys_user_role", values("sys_id", id, "name", name));
  }

  static Record grant(String id, String user, String role, boolean inherited) {
    return Record.of("sys_user_has_role", values("sys_id", id, "user", user, "role", role, "inherited", String.valueOf(inherited), "granted_by", ""));
  }

  Snapshot snapshot() {
    SnapshotMetadata meta = new SnapshotMetadata(SnapshotMetadata.FORMAT_VERSION, "20261204T101500Z-3f2a", instance,
        "https://" + instance + ".example.com", Instant.parse("2026-12-04T10:15:00Z"), "test", "manual",
        Map.of("sys_user", users.size()), "hash");
    return new Snapshot(meta, users, grants, memberships, groups, groupRoles, roles, agents, List.of(), List.of());
  }

  /** The live instance as if every preserver had worked: everything in the snapshot, plus the roles. */
  FakeServiceNowClient liveIntact() {
    FakeServiceNowClient live = new FakeServiceNowClient(instance);
    live.contains.put(MID_ROLE, List.of(SOAP_ROLE));
    live.putAll(roles).putAll(groups).putAll(groupRoles).putAll(users).putAll(grants).putAll(memberships).putAll(agents);
    return live;
  }

  /** The live instance after a clone from a source with no preservers: only the platform's roles are left. */
  FakeServiceNowClient liveWiped() {
    FakeServiceNowClient live = new FakeServiceNowClient(instance);
    live.contains.put(MID_ROLE, List.of(SOAP_ROLE));
    live.putAll(roles).putAll(agents);
    return live;
  }

  static Map<String, String> values(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }
}
