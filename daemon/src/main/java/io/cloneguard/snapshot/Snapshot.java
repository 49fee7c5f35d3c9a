package io.cloneguard.snapshot;

import io.cloneguard.servicenow.Record;
import java.util.List;

/**
 * Everything needed to put one instance's MID Server accounts back after a clone, as captured
 * before it. sys_ids are kept, so restored rows keep every reference valid.
 *
 * @param users sys_user rows holding one of the MID roles (never passwords)
 * @param roleGrants their sys_user_has_role rows, direct and inherited (with inherited, granted_by)
 * @param memberships their sys_user_grmember rows
 * @param groups the sys_user_group rows the memberships reference
 * @param groupRoles those groups' sys_group_has_role rows
 * @param roles the sys_user_role rows referenced (sys_id, name)
 * @param midServers the instance's ecc_agent rows
 * @param preservers clone_data_preserver rows (meaningful on a clone source)
 * @param excludes clone_data_exclude rows (meaningful on a clone source)
 */
public record Snapshot(
    SnapshotMetadata metadata,
    List<Record> users,
    List<Record> roleGrants,
    List<Record> memberships,
    List<Record> groups,
    List<Record> groupRoles,
    List<Record> roles,
    List<Record> midServers,
    List<Record> preservers,
    List<Record> excludes) {
  public Snapshot {
    users = List.copyOf(users);
    roleGrants = List.copyOf(roleGrants);
    memberships = List.copyOf(memberships);
    groups = List.copyOf(groups);
    groupRoles = List.copyOf(groupRoles);
    roles = List.copyOf(roles);
    midServers = List.copyOf(midServers);
    preservers = List.copyOf(preservers);
    excludes = List.copyOf(excludes);
  }
}
