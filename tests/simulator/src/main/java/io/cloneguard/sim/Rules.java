package io.cloneguard.sim;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The platform business rules that matter to CloneGuard: inherited role grants (role containment
 * and group roles, with {@code granted_by}), cascades on delete, derived {@code roles} fields, the
 * mid_server / security_admin incompatibility, unique user names, and (through the Table API only)
 * rejecting grants and memberships whose user, role or group does not exist. Runs under the
 * database's write lock.
 */
final class Rules {
  private static final int MAX_DEPTH = 8;
  private final Database db;

  Rules(Database db) {
    this.db = db;
  }

  void beforeWrite(String table, Map<String, String> row, boolean checked) {
    switch (table) {
      case "sys_user" -> {
        String name = row.getOrDefault("user_name", "");
        if (!name.isEmpty()) {
          Map<String, String> holder = db.userByName(name);
          boolean taken = holder != null && !holder.get("sys_id").equals(row.get("sys_id"));
          if (taken) {
            throw ApiError.rejected("Error during insert of sys_user: user_name " + name + " already exists");
          }
        }
      }
      case "sys_user_has_role" -> {
        if (checked) {
          requireExists("sys_user_has_role", row, "user", "sys_user");
          requireExists("sys_user_has_role", row, "role", "sys_user_role");
        }
        checkIncompatible(row.getOrDefault("user", ""), roleName(row.getOrDefault("role", "")));
      }
      case "sys_user_grmember" -> {
        if (checked) {
          requireExists("sys_user_grmember", row, "user", "sys_user");
          requireExists("sys_user_grmember", row, "group", "sys_user_group");
        }
      }
      case "sys_group_has_role" -> {
        if (checked) {
          requireExists("sys_group_has_role", row, "group", "sys_user_group");
          requireExists("sys_group_has_role", row, "role", "sys_user_role");
        }
      }
      default -> { }
    }
  }

  private void requireExists(String table, Map<String, String> row, String field, String target) {
    String id = row.getOrDefault(field, "");
    if (id.isEmpty() || db.raw(target, id) == null) {
      throw ApiError.badRequest("Invalid reference",
          table + "." + field + " refers to " + target + " " + (id.isEmpty() ? "(empty)" : id) + ", which does not exist; create it first");
    }
  }

  private void checkIncompatible(String userId, String newRole) {
    if (!"mid_server".equals(newRole) && !"security_admin".equals(newRole)) {
      return;
    }
    String other = "mid_server".equals(newRole) ? "security_admin" : "mid_server";
    boolean holdsOther = db.rawWhere("sys_user_has_role", r -> userId.equals(r.get("user")) && other.equals(roleName(r.get("role")))).size() > 0;
    if (holdsOther) {
      throw ApiError.rejected("The mid_server and security_admin roles are incompatible; user " + userId + " already holds " + other);
    }
  }

  private String roleName(String roleId) {
    Map<String, String> role = roleId == null ? null : db.raw("sys_user_role", roleId);
    return role == null ? "" : role.getOrDefault("name", "");
  }

  void afterInsert(String table, Map<String, String> row) {
    afterInsert(table, row, 0);
  }

  private void afterInsert(String table, Map<String, String> row, int depth) {
    if (depth > MAX_DEPTH) {
      return;
    }
    switch (table) {
      case "sys_user_has_role" -> {
        for (Map<String, String> c : db.rawWhere("sys_user_role_contains", r -> row.get("role").equals(r.get("role")))) {
          grantInherited(row.get("user"), c.get("contains"), row.getOrDefault("granted_by", ""), row.get("sys_id"), depth);
        }
      }
      case "sys_user_grmember" -> {
        for (Map<String, String> gr : db.rawWhere("sys_group_has_role", r -> row.get("group").equals(r.get("group")))) {
          grantInherited(row.get("user"), gr.get("role"), row.get("group"), "", depth);
        }
      }
      case "sys_group_has_role" -> {
        for (Map<String, String> m : db.rawWhere("sys_user_grmember", r -> row.get("group").equals(r.get("group")))) {
          grantInherited(m.get("user"), row.get("role"), row.get("group"), "", depth);
        }
      }
      default -> { }
    }
  }

  private void grantInherited(String user, String role, String grantedBy, String parent, int depth) {
    if (user == null || user.isEmpty() || role == null || role.isEmpty()) {
      return;
    }
    Map<String, String> values = new LinkedHashMap<>();
    values.put("user", user);
    values.put("role", role);
    values.put("inherited", "true");
    values.put("granted_by", grantedBy);
    values.put("included_in_role_instance", parent);
    Map<String, String> stored = db.insertLockedNoRules("sys_user_has_role", values, "system");
    afterInsert("sys_user_has_role", stored, depth + 1);
  }

  void afterUpdate(String table, Map<String, String> old, Map<String, String> now) {
    List<String> keys = switch (table) {
      case "sys_user_has_role" -> List.of("user", "role", "granted_by");
      case "sys_user_grmember" -> List.of("user", "group");
      case "sys_group_has_role" -> List.of("group", "role");
      default -> List.of();
    };
    boolean changed = keys.stream().anyMatch(k -> !Objects.equals(old.get(k), now.get(k)));
    if (changed) {
      afterDelete(table, old);
      afterInsert(table, now);
    }
  }

  void afterDelete(String table, Map<String, String> row) {
    String id = row.get("sys_id");
    switch (table) {
      case "sys_user_has_role" -> deleteAll("sys_user_has_role", r -> id.equals(r.get("included_in_role_instance")));
      case "sys_user_grmember" -> deleteAll("sys_user_has_role",
          r -> row.get("user").equals(r.get("user")) && row.get("group").equals(r.get("granted_by")) && r.get("included_in_role_instance").isEmpty());
      case "sys_group_has_role" -> deleteAll("sys_user_has_role",
          r -> row.get("role").equals(r.get("role")) && row.get("group").equals(r.get("granted_by")) && r.get("included_in_role_instance").isEmpty());
      case "sys_user" -> {
        deleteAll("sys_user_grmember", r -> id.equals(r.get("user")));
        deleteAll("sys_user_has_role", r -> id.equals(r.get("user")));
      }
      case "sys_user_group" -> {
        deleteAll("sys_user_grmember", r -> id.equals(r.get("group")));
        deleteAll("sys_group_has_role", r -> id.equals(r.get("group")));
      }
      default -> { }
    }
  }

  private void deleteAll(String table, java.util.function.Predicate<Map<String, String>> which) {
    for (Map<String, String> r : db.rawWhere(table, which)) {
      db.deleteLocked(table, r.get("sys_id"));
    }
  }

  /** One pass over the grants: sets {@code roles} on every user and group to the sorted names they hold. */
  void recomputeRoles(Map<String, Table> tables) {
    Map<String, String> roleNames = new HashMap<>();
    Table roles = tables.get("sys_user_role");
    if (roles != null) {
      roles.ordered().forEach(r -> roleNames.put(r.get("sys_id"), r.getOrDefault("name", "")));
    }
    setRoles(tables.get("sys_user"), tables.get("sys_user_has_role"), "user", roleNames);
    setRoles(tables.get("sys_user_group"), tables.get("sys_group_has_role"), "group", roleNames);
  }

  private static void setRoles(Table owners, Table grants, String ownerField, Map<String, String> roleNames) {
    if (owners == null) {
      return;
    }
    Map<String, Set<String>> held = new HashMap<>();
    if (grants != null) {
      for (Map<String, String> g : grants.ordered()) {
        String name = roleNames.get(g.get("role"));
        boolean active = !"inactive".equalsIgnoreCase(g.getOrDefault("state", ""));
        if (name != null && !name.isEmpty() && active) {
          held.computeIfAbsent(g.get(ownerField), k -> new TreeSet<>()).add(name);
        }
      }
    }
    for (Map<String, String> owner : owners.ordered()) {
      Set<String> names = held.get(owner.get("sys_id"));
      String joined = names == null ? "" : String.join(",", names);
      if (!joined.equals(owner.getOrDefault("roles", ""))) {
        Map<String, String> row = new LinkedHashMap<>(owner);
        row.put("roles", joined);
        owners.put(owner.get("sys_id"), Map.copyOf(row));
      }
    }
  }
}
