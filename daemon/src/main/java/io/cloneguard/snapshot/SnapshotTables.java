package io.cloneguard.snapshot;

import io.cloneguard.servicenow.Record;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The ServiceNow table behind each list of a {@link Snapshot}, in a fixed order. */
public final class SnapshotTables {
  public static final String USERS = "sys_user";
  public static final String ROLE_GRANTS = "sys_user_has_role";
  public static final String MEMBERSHIPS = "sys_user_grmember";
  public static final String GROUPS = "sys_user_group";
  public static final String GROUP_ROLES = "sys_group_has_role";
  public static final String ROLES = "sys_user_role";
  public static final String MID_SERVERS = "ecc_agent";
  public static final String PRESERVERS = "clone_data_preserver";
  public static final String EXCLUDES = "clone_data_exclude";

  private SnapshotTables() {}

  /** Table name to rows, in the order above. */
  public static Map<String, List<Record>> rowsByTable(Snapshot s) {
    Map<String, List<Record>> m = new LinkedHashMap<>();
    m.put(USERS, s.users());
    m.put(ROLE_GRANTS, s.roleGrants());
    m.put(MEMBERSHIPS, s.memberships());
    m.put(GROUPS, s.groups());
    m.put(GROUP_ROLES, s.groupRoles());
    m.put(ROLES, s.roles());
    m.put(MID_SERVERS, s.midServers());
    m.put(PRESERVERS, s.preservers());
    m.put(EXCLUDES, s.excludes());
    return m;
  }

  /** SHA-256 of the canonical JSON of the rows, as {@link SnapshotMetadata#contentHash()} must hold it. */
  public static String contentHash(Snapshot s) {
    return SnapshotCodec.contentHash(s);
  }

  /** Rows per table, as {@link SnapshotMetadata#counts()} holds them. */
  public static Map<String, Integer> counts(Snapshot s) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    rowsByTable(s).forEach((table, rows) -> counts.put(table, rows.size()));
    return counts;
  }
}
