package io.cloneguard.restore;

import static io.cloneguard.restore.Tables.GRANTS;
import static io.cloneguard.restore.Tables.GROUPS;
import static io.cloneguard.restore.Tables.GROUP_ROLES;
import static io.cloneguard.restore.Tables.MEMBERSHIPS;
import static io.cloneguard.restore.Tables.ROLES;
import static io.cloneguard.restore.Tables.USERS;

import io.cloneguard.servicenow.Record;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.ServiceNowException;
import io.cloneguard.servicenow.TableQuery;
import io.cloneguard.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Compares a snapshot with the live instance, table by table, and says in an admin's words what
 * the clone's preservers kept and lost. Reads only; a handful of requests per table.
 */
public final class Differ {
  /** The sys_user fields whose change breaks a MID Server login; restore patches exactly these. */
  public static final List<String> USER_FIELDS = List.of("active", "locked_out", "web_service_access_only");

  private static final List<String> USER_READ = List.of("sys_id", "user_name", "active", "locked_out", "web_service_access_only", "roles");
  private static final int NAMES_IN_A_LINE = 5;

  private final List<String> midRoles;

  public Differ() {
    this(List.of("mid_server"));
  }

  /** @param midRoles the roles that make a user a MID account, to report MID users the snapshot does not know */
  public Differ(List<String> midRoles) {
    this.midRoles = List.copyOf(midRoles);
  }

  public DiffReport diff(Snapshot snapshot, ServiceNowClient live) {
    return diff(snapshot, live, null);
  }

  /** @param sourceName the clone's source instance, named in the verdict ("prod's preservers kept..."), or null */
  public DiffReport diff(Snapshot snapshot, ServiceNowClient live, String sourceName) {
    SnapshotIndex s = new SnapshotIndex(snapshot);
    LiveReader reader = new LiveReader(live);

    Map<String, String> unreadable = new LinkedHashMap<>();
    List<Record> liveGroups = read(unreadable, GROUPS,
        () -> reader.whereEither(GROUPS, "sys_id", s.groups.keySet(), "name", values(s.groups.values(), "name"), List.of("sys_id", "name")));
    // Group names are not unique on the platform: a same-named group (the source's) does not stop us recreating ours.
    TableDiff groups = orUnreadable(unreadable, GROUPS, "groups", s.groups.size(),
        () -> byIdOrName(GROUPS, "groups", s.groups, liveGroups, "name", false));

    // Without the users nothing else can be planned safely, so sys_user is read without a fallback.
    List<Record> liveUsers =
        reader.whereEither(USERS, "sys_id", s.users.keySet(), "user_name", values(s.users.values(), "user_name"), USER_READ);
    TableDiff users = users(s, liveUsers, extraMidUsers(live, reader, s));

    List<Record> liveGrants = read(unreadable, GRANTS, () -> reader.where(GRANTS, "user", s.users.keySet(), List.of("sys_id", "user", "role", "inherited")));
    TableDiff grants = orUnreadable(unreadable, GRANTS, "direct role grants", s.directGrants.size(),
        () -> byIdOrKey(GRANTS, "direct role grants", s.directGrants, liveGrants.stream().filter(g -> !g.isTrue("inherited")).toList(),
            "user", "role", s::grantName, true, s));

    List<Record> liveMemberships = read(unreadable, MEMBERSHIPS, () -> reader.where(MEMBERSHIPS, "user", s.users.keySet(), List.of("sys_id", "user", "group")));
    TableDiff memberships = orUnreadable(unreadable, MEMBERSHIPS, "group memberships", s.memberships.size(),
        () -> byIdOrKey(MEMBERSHIPS, "group memberships", s.memberships, liveMemberships, "user", "group", s::membershipName, true, s));

    List<Record> liveGroupRoles = read(unreadable, GROUP_ROLES, () -> reader.where(GROUP_ROLES, "group", s.groups.keySet(), List.of("sys_id", "group", "role")));
    TableDiff groupRoles = orUnreadable(unreadable, GROUP_ROLES, "group role grants", s.groupRoles.size(),
        () -> byIdOrKey(GROUP_ROLES, "group role grants", s.groupRoles, liveGroupRoles, "group", "role", s::groupRoleName, false, s));

    Map<String, Record> neededRoles = new LinkedHashMap<>();
    for (Record row : concat(s.directGrants.values(), s.groupRoles.values())) {
      String role = row.get("role");
      neededRoles.putIfAbsent(role, s.roles.getOrDefault(role, Record.of(ROLES, Map.of("sys_id", role, "name", ""))));
    }
    List<Record> liveRoles = read(unreadable, ROLES,
        () -> reader.whereEither(ROLES, "sys_id", neededRoles.keySet(), "name", values(neededRoles.values(), "name"), List.of("sys_id", "name")));
    TableDiff roles = orUnreadable(unreadable, ROLES, "roles", neededRoles.size(), () -> byIdOrName(ROLES, "roles", neededRoles, liveRoles, "name", true));

    List<TableDiff> tables = List.of(groups, users, grants, memberships, groupRoles, roles);
    return new DiffReport(s.instance(), snapshot.metadata().ref(), tables, verdict(s.instance(), sourceName, tables));
  }

  private TableDiff users(SnapshotIndex s, List<Record> liveUsers, List<DiffItem> extra) {
    Map<String, Record> liveById = liveUsers.stream().collect(Collectors.toMap(Record::sysId, r -> r, (a, b) -> a));
    Map<String, Record> liveByName = new HashMap<>();
    liveUsers.forEach(r -> liveByName.putIfAbsent(r.get("user_name"), r));
    List<DiffItem> missing = new ArrayList<>();
    List<DiffItem> changed = new ArrayList<>();
    List<DiffItem> conflicts = new ArrayList<>();
    for (Record want : s.users.values()) {
      String name = want.get("user_name");
      Record have = liveById.get(want.sysId());
      if (have == null) {
        Record other = liveByName.get(name);
        if (other != null) {
          conflicts.add(DiffItem.conflict(want.sysId(), name, other.sysId()));
        } else {
          missing.add(DiffItem.of(want.sysId(), name));
        }
        continue;
      }
      Map<String, String> expected = new TreeMap<>();
      Map<String, String> actual = new TreeMap<>();
      for (String field : USER_FIELDS) {
        String a = bool(want.get(field));
        String b = bool(have.get(field));
        if (!a.equalsIgnoreCase(b)) {
          expected.put(field, a);
          actual.put(field, b);
        }
      }
      Set<String> lostRoles = split(want.get("roles"));
      lostRoles.removeAll(split(have.get("roles")));
      if (!lostRoles.isEmpty()) {
        expected.put("roles", want.get("roles"));
        actual.put("roles", have.get("roles"));
      }
      if (!expected.isEmpty()) {
        changed.add(new DiffItem(want.sysId(), name, null, expected, actual));
      }
    }
    List<DiffItem> extraNotConflicting = extra.stream()
        .filter(e -> conflicts.stream().noneMatch(c -> Objects.equals(c.liveSysId(), e.sysId())))
        .toList();
    return new TableDiff(USERS, "MID users", s.users.size(), missing, changed, extraNotConflicting, conflicts);
  }

  /** Live users holding a MID role that the snapshot does not have (e.g. the source's MID users, copied by the clone). */
  private List<DiffItem> extraMidUsers(ServiceNowClient live, LiveReader reader, SnapshotIndex s) {
    if (midRoles.isEmpty()) {
      return List.of();
    }
    Set<String> roleIds = reader.where(ROLES, "name", midRoles, List.of("sys_id", "name")).stream().map(Record::sysId).collect(Collectors.toSet());
    if (roleIds.isEmpty()) {
      return List.of();
    }
    Set<String> holders = new LinkedHashSet<>();
    live.forEach(
        TableQuery.of(GRANTS, "roleIN" + String.join(",", roleIds))
            .withFields("sys_id", "user", "role")
            .requireEach("role is one of " + midRoles, r -> roleIds.contains(r.get("role"))),
        r -> {
          if (!s.users.containsKey(r.get("user")) && !r.get("user").isEmpty()) {
            holders.add(r.get("user"));
          }
        });
    return reader.where(USERS, "sys_id", holders, List.of("sys_id", "user_name")).stream()
        .map(u -> DiffItem.of(u.sysId(), u.get("user_name")))
        .sorted(java.util.Comparator.comparing(DiffItem::name))
        .toList();
  }

  /**
   * A 403 on one table (an ACL the CloneGuard account lacks) should not hide what the other tables
   * say: the table is reported unreadable and the comparison goes on. Anything else still fails.
   */
  private static List<Record> read(Map<String, String> unreadable, String table, java.util.function.Supplier<List<Record>> read) {
    try {
      return read.get();
    } catch (ServiceNowException.Forbidden e) {
      unreadable.put(table, "403 forbidden: " + e.getMessage());
      return List.of();
    }
  }

  private static TableDiff orUnreadable(Map<String, String> unreadable, String table, String label, int expected,
      java.util.function.Supplier<TableDiff> compare) {
    String error = unreadable.get(table);
    return error != null ? TableDiff.unreadable(table, label, expected, error) : compare.get();
  }

  /**
   * @param nameConflicts whether a live row holding the name under another sys_id blocks the insert
   *     (roles: a grant would point at the wrong one); otherwise it is only noted on the missing item
   */
  private static TableDiff byIdOrName(String table, String label, Map<String, Record> wanted, List<Record> live, String nameField,
      boolean nameConflicts) {
    Set<String> liveIds = live.stream().map(Record::sysId).collect(Collectors.toSet());
    Map<String, String> liveIdByName = new HashMap<>();
    live.forEach(r -> liveIdByName.putIfAbsent(r.get(nameField), r.sysId()));
    List<DiffItem> missing = new ArrayList<>();
    List<DiffItem> conflicts = new ArrayList<>();
    for (Record want : wanted.values()) {
      if (liveIds.contains(want.sysId())) {
        continue;
      }
      String name = want.get(nameField).isEmpty() ? want.sysId() : want.get(nameField);
      String other = want.get(nameField).isEmpty() ? null : liveIdByName.get(want.get(nameField));
      if (other != null && nameConflicts) {
        conflicts.add(DiffItem.conflict(want.sysId(), name, other));
      } else {
        missing.add(new DiffItem(want.sysId(), name, other, Map.of(), Map.of()));
      }
    }
    return new TableDiff(table, label, wanted.size(), missing, List.of(), List.of(), conflicts);
  }

  /**
   * A row counts as present when its sys_id is live, or when a live row links the same two records
   * (a grant recreated by hand, or by an earlier restore that the platform gave another sys_id).
   */
  private static TableDiff byIdOrKey(
      String table, String label, Map<String, Record> wanted, List<Record> live, String left, String right,
      java.util.function.Function<Record, String> namer, boolean reportExtra, SnapshotIndex s) {
    Set<String> liveIds = live.stream().map(Record::sysId).collect(Collectors.toSet());
    Set<String> liveKeys = live.stream().map(r -> r.get(left) + "|" + r.get(right)).collect(Collectors.toSet());
    Set<String> wantedKeys = wanted.values().stream().map(r -> r.get(left) + "|" + r.get(right)).collect(Collectors.toSet());
    List<DiffItem> missing = new ArrayList<>();
    for (Record want : wanted.values()) {
      if (!liveIds.contains(want.sysId()) && !liveKeys.contains(want.get(left) + "|" + want.get(right))) {
        missing.add(DiffItem.of(want.sysId(), namer.apply(want)));
      }
    }
    List<DiffItem> extra = new ArrayList<>();
    if (reportExtra) {
      for (Record have : live) {
        if (!wanted.containsKey(have.sysId()) && !wantedKeys.contains(have.get(left) + "|" + have.get(right))) {
          extra.add(DiffItem.of(have.sysId(), liveName(have, left, right, s)));
        }
      }
    }
    return new TableDiff(table, label, wanted.size(), missing, List.of(), extra, List.of());
  }

  private static String liveName(Record row, String left, String right, SnapshotIndex s) {
    String l = s.userName(row.get(left));
    String r = right.equals("group") ? s.groupName(row.get(right)) : s.roleName(row.get(right));
    return l + (right.equals("group") ? " in " : " → ") + r;
  }

  // ---- verdict ---------------------------------------------------------------------------------

  private static List<String> verdict(String instance, String sourceName, List<TableDiff> tables) {
    TableDiff groups = tables.get(0);
    TableDiff users = tables.get(1);
    TableDiff grants = tables.get(2);
    TableDiff memberships = tables.get(3);
    TableDiff groupRoles = tables.get(4);
    TableDiff roles = tables.get(5);
    List<String> lines = new ArrayList<>();

    String who = sourceName == null || sourceName.isBlank() ? "The preservers" : sourceName + "'s preservers";
    StringBuilder first =
        new StringBuilder(String.format(
            "%s kept %s MID users, %s direct role grants and %s group memberships on %s",
            who, kept(users), kept(grants), kept(memberships), instance));
    List<DiffItem> lostGroups = groups.missing();
    for (int i = 0; i < Math.min(3, lostGroups.size()); i++) {
      first.append("; group '").append(lostGroups.get(i).name()).append("' is missing after the clone");
    }
    if (lostGroups.size() > 3) {
      first.append("; and ").append(lostGroups.size() - 3).append(" more groups are missing");
    }
    lines.add(first.toString());

    for (TableDiff t : tables) {
      if (t.unreadableTable()) {
        lines.add(t.table() + " could not be read on " + instance + " (" + t.error() + "): its " + t.label() + " were not compared.");
      }
    }
    boolean anyGap = tables.stream().anyMatch(t -> t.gapCount() > 0 || t.unreadableTable());
    if (!anyGap) {
      lines.add("Nothing to restore: every MID account, grant and membership in the snapshot is in place on " + instance + ".");
    }
    if (users.expected() > 0 && users.kept() == users.expected() && grants.expected() > 0 && grants.kept() == 0
        && !grants.unreadableTable() && memberships.kept() == 0 && !memberships.unreadableTable()) {
      lines.add("Users survived but none of their grants or memberships did: the dot-walked preservers (User.Roles is mid_server) did nothing,"
          + " as happens when the clone falls back to the legacy clone engine.");
    }
    for (DiffItem c : users.conflicts()) {
      lines.add(String.format(
          "User '%s' exists on %s with another sys_id (%s, probably copied from the clone source): not overwritten; its grants,"
              + " memberships and password are not restored. Rename or remove that account on %s, then rerun restore.",
          c.name(), instance, c.liveSysId(), instance));
    }
    for (DiffItem g : groups.missing()) {
      if (g.liveSysId() != null) {
        lines.add(String.format("A group named '%s' exists on %s with another sys_id (%s, probably the clone source's); restore recreates %s's own"
            + " group with its snapshot sys_id, since the memberships refer to that one.", g.name(), instance, g.liveSysId(), instance));
      }
    }
    for (DiffItem c : users.changed()) {
      lines.add("User '" + c.name() + "' changed: " + changes(c));
    }
    if (groupRoles.gapCount() > 0) {
      lines.add(groupRoles.missing().size() + " role grant(s) of groups are missing (" + names(groupRoles.missing()) + "); restore puts them back with their groups.");
    }
    for (DiffItem r : roles.missing()) {
      lines.add("Role '" + r.name() + "' does not exist on " + instance + ": CloneGuard does not create roles; create it, then rerun restore for the grants that use it.");
    }
    for (DiffItem r : roles.conflicts()) {
      lines.add("Role '" + r.name() + "' exists on " + instance + " with another sys_id (" + r.liveSysId() + "): grants that use the snapshot's role are not restored.");
    }
    if (!users.extra().isEmpty()) {
      lines.add(users.extra().size() + " user(s) hold a MID role on " + instance + " but are not in the snapshot (reported only, not touched): " + names(users.extra()) + ".");
    }
    return lines;
  }

  private static String kept(TableDiff t) {
    return (t.unreadableTable() ? "?" : String.valueOf(t.kept())) + "/" + t.expected();
  }

  private static String changes(DiffItem item) {
    return item.expected().keySet().stream()
        .map(f -> f.equals("roles")
            ? "lost roles " + lostRoles(item.expected().get(f), item.live().get(f))
            : f + " is " + item.live().get(f) + " (was " + item.expected().get(f) + ")")
        .collect(Collectors.joining(", "));
  }

  private static String lostRoles(String expected, String live) {
    Set<String> lost = split(expected);
    lost.removeAll(split(live));
    return String.join(", ", lost);
  }

  private static String names(List<DiffItem> items) {
    String shown = items.stream().limit(NAMES_IN_A_LINE).map(i -> "'" + i.name() + "'").collect(Collectors.joining(", "));
    return items.size() > NAMES_IN_A_LINE ? shown + " and " + (items.size() - NAMES_IN_A_LINE) + " more" : shown;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static Set<String> split(String roles) {
    Set<String> set = new java.util.TreeSet<>();
    Arrays.stream(roles.split(",")).map(String::trim).filter(r -> !r.isEmpty()).forEach(set::add);
    return set;
  }

  /** The platform reports an unset boolean as "" on some tables and "false" on others; they mean the same. */
  private static String bool(String value) {
    return value == null || value.isEmpty() ? "false" : value.toLowerCase(java.util.Locale.ROOT);
  }

  private static List<String> values(Collection<Record> rows, String field) {
    return rows.stream().map(r -> r.get(field)).filter(v -> !v.isEmpty()).toList();
  }

  private static List<Record> concat(Collection<Record> a, Collection<Record> b) {
    List<Record> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
