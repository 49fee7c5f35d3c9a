package io.cloneguard.restore;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One write of a restore plan.
 *
 * @param phase steps of a phase run in parallel; phases run in order, so every reference exists before it is used
 * @param table the table written
 * @param sysId the record written: the snapshot's sys_id for an insert, the live record for a patch, the user for a password
 * @param name what an admin calls it, e.g. {@code mid.dev1 → mid_server}
 * @param values exactly the fields sent (an insert's body including sys_id, a patch's changed fields); never a password
 * @param requires sys_ids that must exist first; if one of them could not be restored this step is skipped
 */
public record RestoreStep(Phase phase, Action action, String table, String sysId, String name, Map<String, String> values, List<String> requires) {
  /** In the order they run: referenced records before the records that reference them, passwords last. */
  public enum Phase {
    GROUPS,
    USERS,
    ROLE_GRANTS,
    MEMBERSHIPS,
    PASSWORDS
  }

  public enum Action {
    INSERT("insert"),
    PATCH("patch"),
    SET_PASSWORD("set_password");

    private final String auditName;

    Action(String auditName) {
      this.auditName = auditName;
    }

    /** How the audit log names it. */
    public String auditName() {
      return auditName;
    }
  }

  public RestoreStep {
    values = java.util.Collections.unmodifiableMap(new TreeMap<>(values));
    requires = List.copyOf(requires);
  }

  /** One line for a plan listing, e.g. {@code insert sys_user mid.dev1 (3f2a...)}. */
  public String describe() {
    return switch (action) {
      case INSERT -> "insert " + table + " " + name + " (" + sysId + ")";
      case PATCH -> "patch " + table + " " + name + " " + values;
      case SET_PASSWORD -> "set the escrowed password of " + name;
    };
  }
}
