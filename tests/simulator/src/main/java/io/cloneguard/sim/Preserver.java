package io.cloneguard.sim;

import java.util.List;

/** A clone data preserver: rows of {@code table} matching {@code condition} on the target survive a clone. */
public record Preserver(String name, String table, String condition) {
  /** The three preservers ServiceNow documents for MID Server users (define them on the source). */
  public static List<Preserver> midServerDefaults() {
    return List.of(
        new Preserver("MID Server users", "sys_user", "roles=mid_server"),
        new Preserver("MID Server user roles", "sys_user_has_role", "user.roles=mid_server"),
        new Preserver("MID Server user groups", "sys_user_grmember", "user.roles=mid_server"));
  }
}
