package io.cloneguard.restore;

import java.util.List;

/**
 * How one table on the live instance compares with the snapshot.
 *
 * @param table the ServiceNow table, e.g. {@code sys_user_grmember}
 * @param label what its rows are in an admin's words, e.g. {@code group memberships}
 * @param expected rows of this table in the snapshot that the comparison covers
 * @param missing in the snapshot, absent live: restore inserts them
 * @param changed present live but differing in the fields that matter: restore patches them
 * @param extra live but not in the snapshot: reported only, never touched
 * @param conflicts absent live, but a live row has the same name under another sys_id: reported, never overwritten
 * @param error why the table could not be read (e.g. 403 from an ACL), or {@code null}; then nothing of it was compared
 */
public record TableDiff(
    String table,
    String label,
    int expected,
    List<DiffItem> missing,
    List<DiffItem> changed,
    List<DiffItem> extra,
    List<DiffItem> conflicts,
    String error) {
  public TableDiff {
    missing = List.copyOf(missing);
    changed = List.copyOf(changed);
    extra = List.copyOf(extra);
    conflicts = List.copyOf(conflicts);
  }

  public TableDiff(String table, String label, int expected, List<DiffItem> missing, List<DiffItem> changed, List<DiffItem> extra,
      List<DiffItem> conflicts) {
    this(table, label, expected, missing, changed, extra, conflicts, null);
  }

  /** A table that could not be read: nothing known about it. */
  public static TableDiff unreadable(String table, String label, int expected, String error) {
    return new TableDiff(table, label, expected, List.of(), List.of(), List.of(), List.of(), error);
  }

  public boolean unreadableTable() {
    return error != null;
  }

  /** Snapshot rows still present live (changed ones included). */
  public int kept() {
    return expected - missing.size() - conflicts.size();
  }

  /** Rows that keep the MID Servers from working: missing, changed and conflicting ones. */
  public int gapCount() {
    return missing.size() + changed.size() + conflicts.size();
  }
}
