package io.cloneguard.snapshot;

import io.cloneguard.config.InstanceConfig;
import io.cloneguard.servicenow.Record;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.ServiceNowException;
import io.cloneguard.servicenow.TableQuery;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one instance's MID Server accounts into a {@link Snapshot}, through the
 * {@link ServiceNowClient} only. Every read is guarded (a row that does not match what was asked
 * fails the capture: the platform silently drops invalid parts of an encoded query), independent
 * reads run in parallel, and any failed read fails the whole capture, naming the table, so a
 * half-read instance is never stored.
 *
 * <p>Order: (1) in parallel, the MID role grants ({@code role.nameIN...}), the users holding a MID
 * role ({@code roles=...}), all grants and memberships of such users ({@code user.roles=...}),
 * ecc_agent and the clone preservers/excludes; the two answers to "who are the MID users" must
 * agree. (2) The groups referenced and their roles. Role names come dot-walked with the grants
 * ({@code role.name}), so sys_user_role needs a read only for roles whose name did not come back.
 */
public final class SnapshotCapture {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotCapture.class);
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern TRIGGER = Pattern.compile("baseline|manual|clone:[0-9A-Za-z_-]+");
  /**
   * sys_ids per {@code sys_idIN...} query: about 1.4 KB of query. The Table API echoes the query in
   * up to four URLs of its one-line Link header, which must stay under HttpClient's 8 KB line limit.
   */
  static final int CHUNK = 40;
  static final List<String> GRANT_FIELDS = List.of("sys_id", "user", "role", "role.name", "inherited", "granted_by", "state", "user.roles");
  static final List<String> MEMBERSHIP_FIELDS = List.of("sys_id", "user", "group", "user.roles");
  static final List<String> GROUP_ROLE_FIELDS = List.of("sys_id", "group", "role", "role.name", "inherits");
  static final List<String> AGENT_FIELDS = List.of("sys_id", "name", "status", "host_name", "user_name", "validated", "version");
  private static final String ROLE_NAME = "role.name";
  private static final String USER_ROLES = "user.roles";

  private final Clock clock;
  private final String cloneguardVersion;
  private final int parallelism;
  private final Random random;

  public SnapshotCapture(Clock clock, String cloneguardVersion) {
    this(clock, cloneguardVersion, 4, new SecureRandom());
  }

  /** @param parallelism table reads in flight at once (the client pages each read in parallel too) */
  public SnapshotCapture(Clock clock, String cloneguardVersion, int parallelism, Random random) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
    }
    this.clock = clock;
    this.cloneguardVersion = cloneguardVersion;
    this.parallelism = parallelism;
    this.random = random;
  }

  /**
   * @param trigger {@code baseline}, {@code manual} or {@code clone:<clone request sys_id>}
   * @throws SnapshotException naming the instance and the table whose read failed; nothing is returned then
   */
  public Snapshot capture(ServiceNowClient client, InstanceConfig instance, String trigger) {
    if (trigger == null || !TRIGGER.matcher(trigger).matches()) {
      throw new IllegalArgumentException("trigger must be baseline, manual or clone:<sys_id>, was " + trigger);
    }
    if (instance.midRoles().isEmpty()) {
      throw new SnapshotException("instance " + instance.name() + " has no midRoles configured; nothing would be captured");
    }
    // Milliseconds kept: snapshots taken within one second must still sort newest first (retention).
    Instant takenAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String id = ID_TIME.format(takenAt) + "-" + HexFormat.of().toHexDigits((short) random.nextInt(1 << 16));
    ExecutorService pool = Executors.newFixedThreadPool(parallelism, threads(instance.name()));
    try {
      Snapshot snapshot = new Run(client, instance, pool).capture(id, takenAt, trigger, cloneguardVersion);
      LOG.info("captured snapshot {} ({})", snapshot.metadata().ref(), snapshot.metadata().counts());
      return snapshot;
    } finally {
      pool.shutdownNow(); // on failure, stop reads still queued: their results would be thrown away
    }
  }

  /** One capture: the reads and what they found. */
  private static final class Run {
    private final ServiceNowClient client;
    private final InstanceConfig instance;
    private final ExecutorService pool;
    private final Set<String> midRoles;

    Run(ServiceNowClient client, InstanceConfig instance, ExecutorService pool) {
      this.client = client;
      this.instance = instance;
      this.pool = pool;
      this.midRoles = Set.copyOf(instance.midRoles());
    }

    Snapshot capture(String id, Instant takenAt, String trigger, String version) {
      String midRoleNames = String.join("|", instance.midRoles());
      String holdsRole = orEach("roles=");
      String userHoldsRole = orEach("user.roles=");

      // (1) Everything keyed by "the user holds a MID role", all at once. Conditions, not sys_id lists:
      // short URLs (the Table API echoes the query in its Link header) and a handful of pages.
      CompletableFuture<List<Record>> midGrants = read(TableQuery.of(SnapshotTables.ROLE_GRANTS, "role.nameIN" + String.join(",", instance.midRoles()))
          .withFields("sys_id", "user", ROLE_NAME)
          .requireEach("grant is of a MID role (" + midRoleNames + ")", r -> midRoles.contains(r.get(ROLE_NAME))));
      CompletableFuture<List<Record>> users = read(TableQuery.of(SnapshotTables.USERS, holdsRole)
          .requireEach("user holds a MID role (" + midRoleNames + ")", r -> holdsMidRole(r.get("roles"))));
      CompletableFuture<List<Record>> grants = read(TableQuery.of(SnapshotTables.ROLE_GRANTS, userHoldsRole).withFields(GRANT_FIELDS)
          .requireEach("grant's user holds a MID role (" + midRoleNames + ")", r -> holdsMidRole(r.get(USER_ROLES))));
      CompletableFuture<List<Record>> memberships = read(TableQuery.of(SnapshotTables.MEMBERSHIPS, userHoldsRole).withFields(MEMBERSHIP_FIELDS)
          .requireEach("member holds a MID role (" + midRoleNames + ")", r -> holdsMidRole(r.get(USER_ROLES))));
      CompletableFuture<List<Record>> agents = read(TableQuery.of(SnapshotTables.MID_SERVERS, "").withFields(AGENT_FIELDS));
      CompletableFuture<List<Record>> preservers = instance.watchCloneRequests()
          ? read(TableQuery.of(SnapshotTables.PRESERVERS, ""))
          : CompletableFuture.completedFuture(List.of());
      CompletableFuture<List<Record>> excludes = instance.watchCloneRequests()
          ? read(TableQuery.of(SnapshotTables.EXCLUDES, ""))
          : CompletableFuture.completedFuture(List.of());

      List<Record> userRows = await(users, SnapshotTables.USERS).stream().map(u -> without(u, "user_password")).toList();
      Set<String> userIds = new TreeSet<>(distinct(userRows, "sys_id"));
      // Two independent answers to "who are the MID users" (the grants table and the derived roles
      // field) must agree; a difference means a race with an edit or an instance not doing what we assume.
      Set<String> granted = new TreeSet<>(distinct(await(midGrants, SnapshotTables.ROLE_GRANTS), "user"));
      if (!granted.equals(userIds)) {
        throw disagreement(userIds, granted);
      }
      List<Record> membershipRows = belongingTo(await(memberships, SnapshotTables.MEMBERSHIPS), userIds, SnapshotTables.MEMBERSHIPS);

      // (2) the groups they are in and those groups' roles: started as soon as the memberships are in,
      // while the (larger) grants may still be paging; groups named only by granted_by follow after.
      Set<String> groupIds = new TreeSet<>(distinct(membershipRows, "group"));
      List<CompletableFuture<List<Record>>> groups = new ArrayList<>();
      List<CompletableFuture<List<Record>>> groupRoles = new ArrayList<>();
      readGroups(List.copyOf(groupIds), groups, groupRoles);
      List<Record> grantRows = belongingTo(await(grants, SnapshotTables.ROLE_GRANTS), userIds, SnapshotTables.ROLE_GRANTS);
      Set<String> grantingGroups = new TreeSet<>(distinct(grantRows, "granted_by"));
      grantingGroups.removeAll(groupIds);
      readGroups(List.copyOf(grantingGroups), groups, groupRoles);
      List<Record> groupRows = join(groups, SnapshotTables.GROUPS);
      List<Record> groupRoleRows = join(groupRoles, SnapshotTables.GROUP_ROLES);

      List<Record> roleRows = roles(grantRows, groupRoleRows);
      Snapshot unsealed = new Snapshot(
          new SnapshotMetadata(SnapshotMetadata.FORMAT_VERSION, id, instance.name(), String.valueOf(instance.url()), takenAt, version,
              trigger, Map.of(), ""),
          sorted(userRows),
          sorted(grantRows.stream().map(r -> without(without(r, ROLE_NAME), USER_ROLES)).toList()),
          sorted(membershipRows.stream().map(r -> without(r, USER_ROLES)).toList()),
          sorted(groupRows),
          sorted(groupRoleRows.stream().map(r -> without(r, ROLE_NAME)).toList()),
          sorted(roleRows),
          sorted(await(agents, SnapshotTables.MID_SERVERS)),
          sorted(await(preservers, SnapshotTables.PRESERVERS)),
          sorted(await(excludes, SnapshotTables.EXCLUDES)));
      return seal(unsealed);
    }

    /** sys_user_role rows (sys_id, name) for every role referenced, from the dot-walked names; a read only for the rest. */
    private List<Record> roles(List<Record> grantRows, List<Record> groupRoleRows) {
      Map<String, String> names = new TreeMap<>();
      for (Record r : concat(grantRows, groupRoleRows)) {
        if (!r.get("role").isEmpty()) {
          names.merge(r.get("role"), r.get(ROLE_NAME), (a, b) -> a.isEmpty() ? b : a);
        }
      }
      List<String> unnamed = names.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
      List<CompletableFuture<List<Record>>> reads = new ArrayList<>();
      for (List<String> chunk : chunks(unnamed)) {
        Set<String> ids = Set.copyOf(chunk);
        reads.add(read(TableQuery.of(SnapshotTables.ROLES, "sys_idIN" + String.join(",", chunk)).withFields("sys_id", "name")
            .requireEach("role is one of the roles asked for", r -> ids.contains(r.sysId()))));
      }
      for (Record r : join(reads, SnapshotTables.ROLES)) {
        names.put(r.sysId(), r.get("name"));
      }
      List<Record> rows = new ArrayList<>();
      names.forEach((sysId, name) -> rows.add(Record.of(SnapshotTables.ROLES, Map.of("sys_id", sysId, "name", name))));
      return rows;
    }

    private void readGroups(List<String> groupIds, List<CompletableFuture<List<Record>>> groups,
        List<CompletableFuture<List<Record>>> groupRoles) {
      for (List<String> chunk : chunks(groupIds)) {
        Set<String> ids = Set.copyOf(chunk);
        String in = String.join(",", chunk);
        groups.add(read(TableQuery.of(SnapshotTables.GROUPS, "sys_idIN" + in)
            .requireEach("group is one of the groups asked for", r -> ids.contains(r.sysId()))));
        groupRoles.add(read(TableQuery.of(SnapshotTables.GROUP_ROLES, "groupIN" + in).withFields(GROUP_ROLE_FIELDS)
            .requireEach("group role belongs to one of the groups asked for", r -> ids.contains(r.get("group")))));
      }
    }

    /** {@code roles=a^ORroles=b}: on the roles field, {@code =} means "holds the role". */
    private String orEach(String prefix) {
      return String.join("^OR", instance.midRoles().stream().map(r -> prefix + r).toList());
    }

    private SnapshotException disagreement(Set<String> byRolesField, Set<String> byGrants) {
      Set<String> onlyUsers = new TreeSet<>(byRolesField);
      onlyUsers.removeAll(byGrants);
      Set<String> onlyGrants = new TreeSet<>(byGrants);
      onlyGrants.removeAll(byRolesField);
      return new SnapshotException("snapshot of " + instance.name() + " not taken: sys_user (roles) and sys_user_has_role (role.name)"
          + " disagree on the MID users (only in sys_user: " + abbreviate(String.join(",", onlyUsers)) + "; only in sys_user_has_role: "
          + abbreviate(String.join(",", onlyGrants)) + "); if users or roles were being edited, take the snapshot again");
    }

    /** Rows whose user is one of the MID users read; any other means the reads saw different instances of the data. */
    private List<Record> belongingTo(List<Record> rows, Set<String> userIds, String table) {
      for (Record r : rows) {
        if (!userIds.contains(r.get("user"))) {
          throw new SnapshotException("snapshot of " + instance.name() + " not taken: " + table + " row " + r.sysId() + " belongs to user "
              + r.get("user") + ", who is not among the MID users read from sys_user; if users or roles were being edited, take the snapshot again");
        }
      }
      return rows;
    }

    private boolean holdsMidRole(String roles) {
      for (String role : roles.split(",")) {
        if (midRoles.contains(role.trim())) {
          return true;
        }
      }
      return false;
    }

    private CompletableFuture<List<Record>> read(TableQuery query) {
      return CompletableFuture.supplyAsync(() -> checked(query, client.list(query)), pool);
    }

    /** The client checks the guard too; checking again here keeps the safety independent of any one client. */
    private List<Record> checked(TableQuery query, List<Record> rows) {
      if (query.guard() != null) {
        for (Record r : rows) {
          if (!query.guard().test(r)) {
            throw new ServiceNowException.UnexpectedRow(instance.name(), query.table(), "row " + r.sysId() + " of " + query.table()
                + " fails the check '" + query.guardDescription() + "' for query '" + abbreviate(query.query()) + "'");
          }
        }
      }
      return rows;
    }

    private List<Record> join(List<CompletableFuture<List<Record>>> futures, String table) {
      List<Record> all = new ArrayList<>();
      for (CompletableFuture<List<Record>> f : futures) {
        all.addAll(await(f, table));
      }
      return all;
    }

    private List<Record> await(CompletableFuture<List<Record>> future, String table) {
      try {
        return future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SnapshotException("snapshot of " + instance.name() + " interrupted while reading " + table, e);
      } catch (ExecutionException | CompletionException e) {
        throw failure(e.getCause() == null ? e : e.getCause(), table);
      }
    }

    private SnapshotException failure(Throwable cause, String table) {
      if (cause instanceof ServiceNowException.UnexpectedRow sne) {
        String t = sne.table() == null ? table : sne.table();
        return new SnapshotException("snapshot of " + instance.name() + " not taken: reading " + t + " returned an unexpected row ("
            + sne.getMessage() + "); the encoded query was probably ignored in part", sne);
      }
      if (cause instanceof ServiceNowException sne) {
        String t = sne.table() == null ? table : sne.table();
        return new SnapshotException("snapshot of " + instance.name() + " not taken: reading " + t + " failed: " + sne.getMessage(), sne);
      }
      return new SnapshotException("snapshot of " + instance.name() + " not taken: reading " + table + " failed: " + cause, cause);
    }
  }

  static Snapshot seal(Snapshot s) {
    SnapshotMetadata m = s.metadata();
    Map<String, Integer> counts = SnapshotTables.counts(s);
    SnapshotMetadata sealed = new SnapshotMetadata(m.formatVersion(), m.id(), m.instance(), m.instanceUrl(), m.takenAt(),
        m.cloneguardVersion(), m.trigger(), counts, SnapshotTables.contentHash(s));
    return new Snapshot(sealed, s.users(), s.roleGrants(), s.memberships(), s.groups(), s.groupRoles(), s.roles(),
        s.midServers(), s.preservers(), s.excludes());
  }

  private static String abbreviate(String query) {
    return query.length() <= 80 ? query : query.substring(0, 77) + "...";
  }

  static List<List<String>> chunks(List<String> ids) {
    List<List<String>> chunks = new ArrayList<>();
    for (int i = 0; i < ids.size(); i += CHUNK) {
      chunks.add(ids.subList(i, Math.min(ids.size(), i + CHUNK)));
    }
    return chunks;
  }

  private static List<String> distinct(Collection<Record> rows, String field) {
    Set<String> values = new TreeSet<>();
    for (Record r : rows) {
      if (!r.get(field).isEmpty()) {
        values.add(r.get(field));
      }
    }
    return List.copyOf(values);
  }

  private static Record without(Record r, String field) {
    if (!r.values().containsKey(field)) {
      return r;
    }
    Map<String, String> values = new LinkedHashMap<>(r.values());
    values.remove(field);
    Map<String, String> display = new LinkedHashMap<>(r.displayValues());
    display.remove(field);
    return new Record(r.table(), values, display);
  }

  private static List<Record> sorted(List<Record> rows) {
    List<Record> copy = new ArrayList<>(rows);
    copy.sort(Comparator.comparing(Record::sysId));
    // a duplicate sys_id means pages overlapped: keep one row, as the platform has one
    Set<String> seen = new HashSet<>();
    copy.removeIf(r -> !r.sysId().isEmpty() && !seen.add(r.sysId()));
    return copy;
  }

  private static List<Record> concat(List<Record> a, List<Record> b) {
    List<Record> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static ThreadFactory threads(String instance) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "cloneguard-snapshot-" + instance + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
