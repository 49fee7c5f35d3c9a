package io.cloneguard.restore;

import java.util.List;
import java.util.Optional;

/**
 * What a clone changed on an instance's MID accounts, compared with a snapshot taken before it.
 *
 * @param tables one entry per table, in restore order: sys_user_group, sys_user, sys_user_has_role,
 *     sys_user_grmember, then sys_group_has_role and sys_user_role
 * @param verdict the outcome in an admin's words, first line the preserver summary
 */
public record DiffReport(String instance, String snapshotRef, List<TableDiff> tables, List<String> verdict) {
  public DiffReport {
    tables = List.copyOf(tables);
    verdict = List.copyOf(verdict);
  }

  public boolean hasGaps() {
    return tables.stream().anyMatch(t -> t.gapCount() > 0);
  }

  /** One line per table that could not be read; a caller treats these as failures (exit 3), not as gaps. */
  public List<String> failures() {
    return tables.stream().filter(TableDiff::unreadableTable)
        .map(t -> t.table() + " could not be read on " + instance + " (" + t.error() + "): its " + t.label() + " were not compared or restored;"
            + " give the CloneGuard account read and write access to " + t.table() + ", then rerun")
        .toList();
  }

  /** Missing, changed and conflicting rows of one table; 0 for a table the report does not cover. */
  public int gapCount(String table) {
    return table(table).map(TableDiff::gapCount).orElse(0);
  }

  public Optional<TableDiff> table(String table) {
    return tables.stream().filter(t -> t.table().equals(table)).findFirst();
  }

  /** The snapshot id without the instance prefix. */
  public String snapshotId() {
    int slash = snapshotRef.indexOf('/');
    return slash < 0 ? snapshotRef : snapshotRef.substring(slash + 1);
  }
}
