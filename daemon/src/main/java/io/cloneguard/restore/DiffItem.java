package io.cloneguard.restore;

import java.util.Map;
import java.util.TreeMap;

/**
 * One row that differs between a snapshot and the live instance.
 *
 * @param sysId the row's sys_id in the snapshot (for extras: on the live instance)
 * @param name how an admin names it: a user name, a group name, {@code mid.dev1 → mid_server}
 * @param liveSysId for a conflict, the sys_id of the live row that took the name; otherwise {@code null}
 * @param expected for a change, the snapshot values of the fields that differ
 * @param live for a change, the live values of those fields
 */
public record DiffItem(String sysId, String name, String liveSysId, Map<String, String> expected, Map<String, String> live) {
  public DiffItem {
    expected = java.util.Collections.unmodifiableMap(new TreeMap<>(expected));
    live = java.util.Collections.unmodifiableMap(new TreeMap<>(live));
  }

  public static DiffItem of(String sysId, String name) {
    return new DiffItem(sysId, name, null, Map.of(), Map.of());
  }

  public static DiffItem conflict(String sysId, String name, String liveSysId) {
    return new DiffItem(sysId, name, liveSysId, Map.of(), Map.of());
  }
}
