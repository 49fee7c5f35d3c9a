package io.cloneguard.restore;

import static io.cloneguard.restore.Tables.GRANTS;
import static io.cloneguard.restore.Tables.GROUPS;
import static io.cloneguard.restore.Tables.GROUP_ROLES;
import static io.cloneguard.restore.Tables.MEMBERSHIPS;
import static io.cloneguard.restore.Tables.ROLES;
import static io.cloneguard.restore.Tables.USERS;

import io.cloneguard.restore.RestoreStep.Action;
import io.cloneguard.restore.RestoreStep.Phase;
import io.cloneguard.servicenow.Record;
import io.cloneguard.snapshot.Snapshot;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a diff into the writes that close its gaps, ordered by reference: groups (with their
 * snapshot sys_ids), users, direct role grants and group roles, memberships, then passwords from
 * escrow. It plans only what the diff reports missing or changed, so a second run after a
 * complete restore plans nothing. Conflicts, roles that do not exist and passwords that are not
 * escrowed become notes, never writes.
 */
public final class RestorePlanner {
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Clock clock;
  private final AuditLog audit;

  public RestorePlanner() {
    this(Clock.systemUTC(), null);
  }

  /**
   * @param audit when given, users that an earlier, interrupted restore inserted but whose password
   *     it did not get to set are planned for a password again; may be null
   */
  public RestorePlanner(Clock clock, AuditLog audit) {
    this.clock = clock;
    this.audit = audit;
  }

  /**
   * @param onlyUsers user names to restore, with what they need (their groups, grants, memberships,
   *     password); empty for everything
   * @param escrow where passwords come from; may be null (then every restored user gets a note)
   * @throws RestoreException when a name in {@code onlyUsers} is not in the snapshot
   */
  public RestorePlan plan(Snapshot snapshot, DiffReport diff, Set<String> onlyUsers, PasswordEscrow escrow) {
    SnapshotIndex s = new SnapshotIndex(snapshot);
    String instance = s.instance();
    Set<String> selected = selectUsers(s, onlyUsers);
    List<RestoreStep> steps = new ArrayList<>();
    List<String> notes = new ArrayList<>();

    Set<String> userConflicts = sysIds(diff, USERS, Kind.CONFLICTS);
    boolean groupsUnknown = diff.table(GROUPS).map(TableDiff::unreadableTable).orElse(false);
    Set<String> unusableRoles = new LinkedHashSet<>(sysIds(diff, ROLES, Kind.MISSING));
    unusableRoles.addAll(sysIds(diff, ROLES, Kind.CONFLICTS));

    // Groups the selected users are members of in the snapshot: the only groups a --user restore may recreate.
    Set<String> neededGroups =
        s.memberships.values().stream().filter(m -> selected.contains(m.get("user"))).map(m -> m.get("group")).collect(Collectors.toSet());
    boolean everything = onlyUsers == null || onlyUsers.isEmpty();

    // 1. groups
    for (String groupId : sysIds(diff, GROUPS, Kind.MISSING)) {
      Record group = s.groups.get(groupId);
      if (group != null && (everything || neededGroups.contains(groupId))) {
        steps.add(new RestoreStep(Phase.GROUPS, Action.INSERT, GROUPS, groupId, group.get("name"), restorable(group), List.of()));
      }
    }

    // 2. users: missing ones inserted whole, changed ones patched in the fields that differ
    Set<String> insertedUsers = new LinkedHashSet<>();
    for (String userId : sysIds(diff, USERS, Kind.MISSING)) {
      Record user = s.users.get(userId);
      if (user != null && selected.contains(userId)) {
        steps.add(new RestoreStep(Phase.USERS, Action.INSERT, USERS, userId, user.get("user_name"), restorable(user), List.of()));
        insertedUsers.add(userId);
      }
    }
    for (DiffItem changed : diff.table(USERS).map(TableDiff::changed).orElse(List.of())) {
      if (!selected.contains(changed.sysId())) {
        continue;
      }
      Map<String, String> fields = new LinkedHashMap<>();
      Differ.USER_FIELDS.forEach(f -> {
        if (changed.expected().containsKey(f)) {
          fields.put(f, changed.expected().get(f));
        }
      });
      if (!fields.isEmpty()) {
        steps.add(new RestoreStep(Phase.USERS, Action.PATCH, USERS, changed.sysId(), changed.name(), fields, List.of()));
      }
    }
    for (DiffItem c : conflicts(diff, USERS)) {
      if (selected.contains(c.sysId())) {
        long grants = s.directGrants.values().stream().filter(g -> g.get("user").equals(c.sysId())).count();
        long memberships = s.memberships.values().stream().filter(m -> m.get("user").equals(c.sysId())).count();
        notes.add("user '" + c.name() + "' exists on " + instance + " with another sys_id (" + c.liveSysId() + "): not overwritten; its "
            + grants + " grant(s), " + memberships + " membership(s) and password are not restored");
      }
    }

    // 3. direct role grants, and the roles of groups
    int roleBlocked = 0;
    for (String grantId : sysIds(diff, GRANTS, Kind.MISSING)) {
      Record grant = s.directGrants.get(grantId);
      if (grant == null || !selected.contains(grant.get("user")) || userConflicts.contains(grant.get("user"))) {
        continue;
      }
      if (unusableRoles.contains(grant.get("role"))) {
        roleBlocked++;
        continue;
      }
      steps.add(new RestoreStep(Phase.ROLE_GRANTS, Action.INSERT, GRANTS, grantId, s.grantName(grant),
          Map.of("sys_id", grantId, "user", grant.get("user"), "role", grant.get("role")), List.of(grant.get("user"))));
    }
    for (String id : sysIds(diff, GROUP_ROLES, Kind.MISSING)) {
      Record groupRole = s.groupRoles.get(id);
      if (groupRole == null || groupsUnknown || !(everything || neededGroups.contains(groupRole.get("group")))) {
        continue;
      }
      if (unusableRoles.contains(groupRole.get("role"))) {
        roleBlocked++;
        continue;
      }
      steps.add(new RestoreStep(Phase.ROLE_GRANTS, Action.INSERT, GROUP_ROLES, id, s.groupRoleName(groupRole),
          Map.of("sys_id", id, "group", groupRole.get("group"), "role", groupRole.get("role")), List.of(groupRole.get("group"))));
    }
    if (roleBlocked > 0) {
      notes.add(roleBlocked + " grant(s) use a role that does not exist on " + instance + " (or has another sys_id): not restored; create the role, then rerun restore");
    }

    // 4. memberships
    int groupBlocked = 0;
    for (String id : sysIds(diff, MEMBERSHIPS, Kind.MISSING)) {
      Record membership = s.memberships.get(id);
      if (membership == null || !selected.contains(membership.get("user")) || userConflicts.contains(membership.get("user"))) {
        continue;
      }
      if (groupsUnknown || !s.groups.containsKey(membership.get("group"))) {
        groupBlocked++;
        continue;
      }
      steps.add(new RestoreStep(Phase.MEMBERSHIPS, Action.INSERT, MEMBERSHIPS, id, s.membershipName(membership),
          Map.of("sys_id", id, "user", membership.get("user"), "group", membership.get("group")),
          List.of(membership.get("user"), membership.get("group"))));
    }
    if (groupBlocked > 0) {
      notes.add(groupBlocked + " membership(s) are in a group that cannot be checked or restored (sys_user_group unreadable, or not in the snapshot): not restored");
    }

    // 5. passwords: for every user this plan inserts, and users an interrupted restore inserted without one
    Set<String> needPassword = new LinkedHashSet<>(insertedUsers);
    if (audit != null) {
      Set<String> live = new LinkedHashSet<>(s.users.keySet());
      sysIds(diff, USERS, Kind.MISSING).forEach(live::remove);
      live.removeAll(userConflicts);
      audit.usersAwaitingPassword(instance).stream().filter(live::contains).filter(selected::contains).sorted().forEach(needPassword::add);
    }
    for (String userId : needPassword.stream().sorted(java.util.Comparator.comparing(s::userName)).toList()) {
      String name = s.userName(userId);
      if (escrow != null && escrow.has(instance, name)) {
        steps.add(new RestoreStep(Phase.PASSWORDS, Action.SET_PASSWORD, USERS, userId, name, Map.of(), List.of(userId)));
      } else {
        notes.add(passwordNote(instance, name));
      }
    }
    return new RestorePlan(newId(), instance, diff.snapshotRef(), steps, notes, diff.failures());
  }

  /** The fixed wording operators and tests look for. */
  static String passwordNote(String instance, String userName) {
    return "user '" + userName + "': restored, password still needs to be set on the instance to match the MID Server's config.xml"
        + " (or escrow it: cloneguard escrow set " + instance + " " + userName + ", then rerun restore)";
  }

  /**
   * The fields of a snapshot row that restore sends: the snapshot's values, with its sys_id, but
   * never a password field, never other sys_ fields (the platform owns them), never derived
   * {@code roles} (grants recreate them), never dot-walked keys, and never empty values.
   */
  static Map<String, String> restorable(Record row) {
    Map<String, String> values = new LinkedHashMap<>();
    row.values().forEach((field, value) -> {
      String f = field.toLowerCase(Locale.ROOT);
      boolean skip = value == null || value.isEmpty()
          || (f.startsWith("sys_") && !f.equals("sys_id"))
          || f.contains("password")
          || f.equals("roles")
          || f.contains(".");
      if (!skip) {
        values.put(field, value);
      }
    });
    return values;
  }

  private static Set<String> selectUsers(SnapshotIndex s, Set<String> onlyUsers) {
    if (onlyUsers == null || onlyUsers.isEmpty()) {
      return s.users.keySet();
    }
    Map<String, String> idByName = new LinkedHashMap<>();
    s.users.values().forEach(u -> idByName.put(u.get("user_name"), u.sysId()));
    Set<String> ids = new LinkedHashSet<>();
    for (String name : onlyUsers) {
      String id = idByName.get(name);
      if (id == null) {
        throw new RestoreException("user '" + name + "' is not a MID user in snapshot " + s.snapshot.metadata().ref()
            + " (it has " + idByName.size() + " MID users; see 'cloneguard show " + s.snapshot.metadata().ref() + "')");
      }
      ids.add(id);
    }
    return ids;
  }

  private enum Kind { MISSING, CONFLICTS }

  private static Set<String> sysIds(DiffReport diff, String table, Kind kind) {
    return diff.table(table)
        .map(t -> (kind == Kind.MISSING ? t.missing() : t.conflicts()).stream().map(DiffItem::sysId).collect(Collectors.toCollection(LinkedHashSet::new)))
        .orElseGet(LinkedHashSet::new);
  }

  private static List<DiffItem> conflicts(DiffReport diff, String table) {
    // Only users and roles have conflicts: group names are not unique on the platform.
    return diff.table(table).map(TableDiff::conflicts).orElse(List.of());
  }

  private String newId() {
    byte[] random = new byte[2];
    RANDOM.nextBytes(random);
    return ID_TIME.format(clock.instant()) + "-" + HexFormat.of().formatHex(random);
  }
}
