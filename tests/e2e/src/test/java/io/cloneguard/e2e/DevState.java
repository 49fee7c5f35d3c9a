package io.cloneguard.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * dev's MID Server accounts as the simulator holds them: the seeded users and groups by sys_id,
 * their direct role grants as user|role and their memberships as user|group. Two states are equal
 * when CloneGuard put back exactly what the clone took.
 */
record DevState(Set<String> users, Set<String> groups, Set<String> directGrants, Set<String> memberships) {

  static DevState of(Landscape l) {
    Set<String> seededUsers = Set.copyOf(l.devSeed().midUserIds());
    Set<String> users = new TreeSet<>();
    for (String id : seededUsers) {
      l.dev().row("sys_user", id).ifPresent(r -> users.add(id));
    }
    Set<String> groups = new TreeSet<>();
    for (String id : l.devSeed().groupIds()) {
      l.dev().row("sys_user_group", id).ifPresent(r -> groups.add(id));
    }
    Set<String> grants = l.dev().rows("sys_user_has_role", "inherited=false").stream()
        .filter(r -> seededUsers.contains(r.get("user"))).map(r -> r.get("user") + "|" + r.get("role")).collect(Collectors.toCollection(TreeSet::new));
    Set<String> memberships = l.dev().rows("sys_user_grmember").stream()
        .filter(r -> seededUsers.contains(r.get("user"))).map(r -> r.get("user") + "|" + r.get("group")).collect(Collectors.toCollection(TreeSet::new));
    return new DevState(users, groups, grants, memberships);
  }

  /** Rows that exist more than once on dev: user names, direct grants (user|role), memberships (user|group). Must be empty. */
  static List<String> duplicates(Landscape l) {
    List<String> dups = new ArrayList<>();
    dups.addAll(repeated("sys_user", l.dev().rows("sys_user"), r -> r.get("user_name").toLowerCase(java.util.Locale.ROOT)));
    dups.addAll(repeated("sys_user_has_role", l.dev().rows("sys_user_has_role", "inherited=false"), r -> r.get("user") + "|" + r.get("role")));
    dups.addAll(repeated("sys_user_grmember", l.dev().rows("sys_user_grmember"), r -> r.get("user") + "|" + r.get("group")));
    dups.addAll(repeated("sys_user_group", l.dev().rows("sys_user_group"), r -> r.get("name").toLowerCase(java.util.Locale.ROOT)));
    return dups;
  }

  private static List<String> repeated(String table, List<Map<String, String>> rows, Function<Map<String, String>, String> key) {
    Map<String, Integer> counts = new TreeMap<>();
    rows.forEach(r -> counts.merge(key.apply(r), 1, Integer::sum));
    return counts.entrySet().stream().filter(e -> e.getValue() > 1).map(e -> table + " " + e.getKey() + " x" + e.getValue()).toList();
  }

  int size() {
    return users.size() + groups.size() + directGrants.size() + memberships.size();
  }
}
