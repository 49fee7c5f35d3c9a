package io.cloneguard.restore;

import io.cloneguard.servicenow.Record;
import io.cloneguard.snapshot.Snapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A snapshot's rows by sys_id, and the names an admin knows them by. */
final class SnapshotIndex {
  final Snapshot snapshot;
  final Map<String, Record> users;
  final Map<String, Record> groups;
  final Map<String, Record> roles;
  /** Only inherited=false grants: the platform recreates inherited ones from roles and groups. */
  final Map<String, Record> directGrants;
  final Map<String, Record> memberships;
  final Map<String, Record> groupRoles;

  SnapshotIndex(Snapshot snapshot) {
    this.snapshot = snapshot;
    this.users = bySysId(snapshot.users());
    this.groups = bySysId(snapshot.groups());
    this.roles = bySysId(snapshot.roles());
    this.directGrants = bySysId(snapshot.roleGrants().stream().filter(g -> !g.isTrue("inherited")).toList());
    this.memberships = bySysId(snapshot.memberships());
    this.groupRoles = bySysId(snapshot.groupRoles());
  }

  private static Map<String, Record> bySysId(List<Record> rows) {
    return rows.stream()
        .sorted(java.util.Comparator.comparing(Record::sysId))
        .collect(Collectors.toMap(Record::sysId, Function.identity(), (a, b) -> a, LinkedHashMap::new));
  }

  String instance() {
    return snapshot.metadata().instance();
  }

  String userName(String sysId) {
    Record user = users.get(sysId);
    return user == null ? sysId : user.get("user_name");
  }

  String groupName(String sysId) {
    Record group = groups.get(sysId);
    return group == null ? sysId : group.get("name");
  }

  String roleName(String sysId) {
    Record role = roles.get(sysId);
    return role == null || role.get("name").isEmpty() ? sysId : role.get("name");
  }

  String grantName(Record grant) {
    return userName(grant.get("user")) + " → " + roleName(grant.get("role"));
  }

  String membershipName(Record membership) {
    return userName(membership.get("user")) + " in " + groupName(membership.get("group"));
  }

  String groupRoleName(Record groupRole) {
    return groupName(groupRole.get("group")) + " → " + roleName(groupRole.get("role"));
  }
}
