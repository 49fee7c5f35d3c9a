package io.cloneguard.sim;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The records of one simulated instance. Reads share a lock, writes take it exclusively and run the
 * platform's business rules ({@link Rules}). Derived fields ({@code sys_user.roles},
 * {@code sys_user_group.roles}) are recomputed in one pass before the next read after a role change.
 */
final class Database implements QueryParser.Fields {
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final Set<String> ROLE_TABLES =
      Set.of("sys_user", "sys_user_role", "sys_user_has_role", "sys_user_group", "sys_group_has_role", "sys_user_grmember", "sys_user_role_contains");
  /** Marks a password that was written without sysparm_input_display_value: stored, but it never matches. */
  static final String UNUSABLE_PASSWORD = "\u0000unusable:";

  /** One page of a list read. {@code total} is -1 when the count was not asked for. */
  record Page(List<Map<String, String>> rows, int total, boolean more) {}

  private final Map<String, Table> tables = new ConcurrentHashMap<>();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final AtomicLong version = new AtomicLong();
  private final Clock clock;
  private final QueryParser parser = new QueryParser(this);
  private final Rules rules = new Rules(this);
  private volatile boolean derivedStale;
  /** sys_user by lower-case user_name: logins and the uniqueness rule must not scan 100,000 users. */
  private final Map<String, String> userIdsByName = new ConcurrentHashMap<>();

  Database(Clock clock) {
    this.clock = clock;
  }

  Clock clock() {
    return clock;
  }

  String now() {
    return TIME.format(clock.instant());
  }

  /** Increases on every write; the auth cache keys on it. */
  long version() {
    return version.get();
  }

  Query parse(String table, String encoded) {
    return parser.parse(table, encoded);
  }

  // ---- reads ------------------------------------------------------------------------------

  <T> T read(Supplier<T> body) {
    ensureFresh();
    lock.readLock().lock();
    try {
      return body.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  <T> T write(Supplier<T> body) {
    lock.writeLock().lock();
    try {
      version.incrementAndGet();
      return body.get();
    } finally {
      lock.writeLock().unlock();
    }
  }

  Map<String, String> get(String table, String sysId) {
    return read(() -> raw(table, sysId));
  }

  List<Map<String, String>> select(String table, String encodedQuery) {
    return read(() -> selectLocked(table, parse(table, encodedQuery), 0, Integer.MAX_VALUE, false).rows());
  }

  Page select(String table, Query query, int offset, int limit, boolean count) {
    return read(() -> selectLocked(table, query, offset, limit, count));
  }

  int count(String table, Query query) {
    return read(() -> selectLocked(table, query, 0, 0, true).total());
  }

  Page selectLocked(String table, Query query, int offset, int limit, boolean count) {
    Table t = tables.get(table);
    if (t == null) {
      return new Page(List.of(), 0, false);
    }
    Condition.Resolver resolver = resolver(table);
    boolean naturalOrder = query.orders().isEmpty()
        || (query.orders().size() == 1 && query.orders().get(0).field().equals("sys_id") && !query.orders().get(0).descending());
    List<Map<String, String>> rows = t.ordered();
    if (naturalOrder && query.matchesEverything()) {
      int from = Math.min(offset, rows.size());
      int to = (int) Math.min((long) from + limit, rows.size());
      return new Page(rows.subList(from, to), count ? rows.size() : -1, to < rows.size());
    }
    if (naturalOrder) {
      // Rows are kept in sys_id order, so a page needs no sort; stop early when no count is wanted.
      List<Map<String, String>> page = new ArrayList<>(Math.min(limit, 1000));
      int matched = 0;
      boolean more = false;
      for (Map<String, String> row : rows) {
        if (!query.condition().matches(row, resolver)) {
          continue;
        }
        if (matched >= offset && page.size() < limit) {
          page.add(row);
        } else if (matched >= offset + limit) {
          more = true;
          if (!count) {
            break;
          }
        }
        matched++;
      }
      return new Page(page, count ? matched : -1, more);
    }
    List<Map<String, String>> all = new ArrayList<>();
    for (Map<String, String> row : rows) {
      if (query.condition().matches(row, resolver)) {
        all.add(row);
      }
    }
    all.sort(comparator(query.orders(), resolver));
    int from = Math.min(offset, all.size());
    int to = (int) Math.min((long) from + limit, all.size());
    return new Page(List.copyOf(all.subList(from, to)), count ? all.size() : -1, to < all.size());
  }

  private static Comparator<Map<String, String>> comparator(List<Query.Order> orders, Condition.Resolver resolver) {
    Comparator<Map<String, String>> result = (a, b) -> 0;
    for (Query.Order order : orders) {
      Comparator<Map<String, String>> c = (a, b) -> Condition.compare(resolver.value(a, order.field()), resolver.value(b, order.field()));
      result = result.thenComparing(order.descending() ? c.reversed() : c);
    }
    return result.thenComparing(row -> row.get("sys_id"));
  }

  /** Field values with one level of dot-walk; {@code roles} on users and groups is a list where {@code =} means contains. */
  Condition.Resolver resolver(String table) {
    return new Condition.Resolver() {
      @Override
      public String value(Map<String, String> row, String field) {
        return Database.this.value(table, row, field);
      }

      @Override
      public boolean isList(String field) {
        int dot = field.indexOf('.');
        String owner = dot < 0 ? table : referenceTarget(table, field.substring(0, dot));
        String name = dot < 0 ? field : field.substring(dot + 1);
        return "roles".equals(name) && ("sys_user".equals(owner) || "sys_user_group".equals(owner));
      }
    };
  }

  String value(String table, Map<String, String> row, String field) {
    int dot = field.indexOf('.');
    if (dot < 0) {
      return "user_password".equals(field) ? "" : row.getOrDefault(field, "");
    }
    String target = referenceTarget(table, field.substring(0, dot));
    String id = row.getOrDefault(field.substring(0, dot), "");
    if (target == null || id.isEmpty()) {
      return "";
    }
    Map<String, String> referenced = raw(target, id);
    return referenced == null ? "" : value(target, referenced, field.substring(dot + 1));
  }

  /** The display value of a reference: the referenced record's display field, "" when it is gone. */
  String display(String target, String sysId) {
    if (sysId.isEmpty()) {
      return "";
    }
    Map<String, String> row = raw(target, sysId);
    if (row == null) {
      return "global".equals(sysId) ? "global" : "";
    }
    Schema.Def def = Schema.defOrNull(target);
    String shown = def == null ? row.getOrDefault("name", "") : row.getOrDefault(def.displayField(), "");
    if (shown.isEmpty() && "sys_user".equals(target)) {
      shown = row.getOrDefault("user_name", "");
    }
    return shown.isEmpty() ? sysId : shown;
  }

  /** Every field of a table (lock held). */
  List<String> fieldsLocked(String table) {
    Table t = tables.get(table);
    return t == null ? new Table(table).fields() : t.fields();
  }

  @Override
  public boolean exists(String table, String field) {
    Table t = tables.get(table);
    return t == null ? new Table(table).hasField(field) : t.hasField(field);
  }

  @Override
  public String referenceTarget(String table, String field) {
    return Schema.referenceTarget(table, field);
  }

  // ---- writes -------------------------------------------------------------------------------

  /**
   * Inserts one record as {@code actor}. {@code checked} applies the Table API's validations
   * (references of memberships and grants must exist); direct manipulation in tests skips them.
   */
  Map<String, String> insert(String table, Map<String, String> values, String actor, boolean passwordInput, boolean checked) {
    return write(() -> {
      Map<String, String> row = insertLocked(table, values, actor, passwordInput, checked);
      afterWrite(table);
      return row;
    });
  }

  Map<String, String> update(String table, String sysId, Map<String, String> values, String actor, boolean passwordInput, boolean checked) {
    return write(() -> {
      Table t = tables.get(table);
      Map<String, String> old = t == null ? null : t.get(sysId);
      if (old == null) {
        throw ApiError.notFound(table, sysId);
      }
      Map<String, String> row = new LinkedHashMap<>(old);
      copyWritable(t, values, row, passwordInput);
      row.put("sys_updated_on", now());
      row.put("sys_updated_by", actor);
      row.put("sys_mod_count", String.valueOf(Integer.parseInt(old.getOrDefault("sys_mod_count", "0")) + 1));
      deriveName(table, row);
      rules.beforeWrite(table, row, checked);
      Map<String, String> stored = Map.copyOf(row);
      t.put(sysId, stored);
      indexUser(table, old, stored);
      rules.afterUpdate(table, old, stored);
      afterWrite(table);
      return stored;
    });
  }

  void delete(String table, String sysId) {
    write(() -> {
      if (deleteLocked(table, sysId) == null) {
        throw ApiError.notFound(table, sysId);
      }
      afterWrite(table);
      return null;
    });
  }

  private void afterWrite(String table) {
    if (ROLE_TABLES.contains(table)) {
      derivedStale = true;
    }
  }

  Map<String, String> insertLocked(String table, Map<String, String> values, String actor, boolean passwordInput, boolean checked) {
    return insertLocked(table, values, actor, passwordInput, checked, true);
  }

  private Map<String, String> insertLocked(
      String table, Map<String, String> values, String actor, boolean passwordInput, boolean checked, boolean runRules) {
    Table t = tables.computeIfAbsent(table, Table::new);
    String sysId = values.getOrDefault("sys_id", "");
    if (sysId.isEmpty()) {
      sysId = newSysId();
    } else if (t.contains(sysId)) {
      throw ApiError.rejected("Error during insert of " + table + ": a record with sys_id " + sysId + " already exists");
    }
    Map<String, String> row = new LinkedHashMap<>();
    for (String f : t.fields()) {
      row.put(f, "");
    }
    if (t.def != null) {
      row.putAll(t.def.defaults());
    }
    copyWritable(t, values, row, passwordInput);
    String now = now();
    row.put("sys_id", sysId);
    row.put("sys_created_on", now);
    row.put("sys_created_by", actor);
    row.put("sys_updated_on", now);
    row.put("sys_updated_by", actor);
    row.put("sys_mod_count", "0");
    if (row.getOrDefault("sys_domain", "").isEmpty()) {
      row.put("sys_domain", "global");
    }
    deriveName(table, row);
    if (runRules) {
      rules.beforeWrite(table, row, checked);
    }
    Map<String, String> stored = Map.copyOf(row);
    t.put(sysId, stored);
    indexUser(table, null, stored);
    if (runRules) {
      rules.afterInsert(table, stored);
    }
    afterWrite(table);
    return stored;
  }

  /** An insert made by a business rule itself (an inherited grant): no further validation. */
  Map<String, String> insertLockedNoRules(String table, Map<String, String> values, String actor) {
    return insertLocked(table, values, actor, false, false, false);
  }

  Map<String, String> deleteLocked(String table, String sysId) {
    Table t = tables.get(table);
    Map<String, String> old = t == null ? null : t.remove(sysId);
    if (old != null) {
      indexUser(table, old, null);
      rules.afterDelete(table, old);
      afterWrite(table);
    }
    return old;
  }

  private static void copyWritable(Table t, Map<String, String> values, Map<String, String> row, boolean passwordInput) {
    for (Map.Entry<String, String> e : values.entrySet()) {
      String f = e.getKey();
      String v = e.getValue() == null ? "" : e.getValue();
      if (f.equals("sys_id") || Schema.READ_ONLY.contains(f) || !t.accepts(f) || f.indexOf('.') >= 0) {
        continue;
      }
      if (f.equals("roles") && ("sys_user".equals(t.name) || "sys_user_group".equals(t.name))) {
        continue;
      }
      if (f.equals("user_password") && "sys_user".equals(t.name)) {
        // Without sysparm_input_display_value the platform stores the text as if it were already a hash: it never matches.
        row.put(f, passwordInput ? v : UNUSABLE_PASSWORD + UUID.randomUUID());
        continue;
      }
      row.put(f, v);
    }
    t.noteFields(values.keySet());
  }

  private static void deriveName(String table, Map<String, String> row) {
    if ("sys_user".equals(table)) {
      String name = (row.getOrDefault("first_name", "") + " " + row.getOrDefault("last_name", "")).trim();
      row.put("name", name);
    }
  }

  private void indexUser(String table, Map<String, String> old, Map<String, String> now) {
    if (!"sys_user".equals(table)) {
      return;
    }
    if (old != null) {
      userIdsByName.remove(old.getOrDefault("user_name", "").toLowerCase(java.util.Locale.ROOT), old.get("sys_id"));
    }
    if (now != null && !now.getOrDefault("user_name", "").isEmpty()) {
      userIdsByName.put(now.get("user_name").toLowerCase(java.util.Locale.ROOT), now.get("sys_id"));
    }
  }

  /** The user with this user_name (case-insensitive), or null (lock held). */
  Map<String, String> userByName(String userName) {
    String id = userIdsByName.get(userName.toLowerCase(java.util.Locale.ROOT));
    return id == null ? null : raw("sys_user", id);
  }

  static String newSysId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  // ---- raw access for rules and the clone engine (lock held) --------------------------------

  Map<String, String> raw(String table, String sysId) {
    Table t = tables.get(table);
    return t == null ? null : t.get(sysId);
  }

  List<Map<String, String>> rawWhere(String table, Predicate<Map<String, String>> predicate) {
    Table t = tables.get(table);
    if (t == null) {
      return List.of();
    }
    List<Map<String, String>> out = new ArrayList<>();
    for (Map<String, String> row : t.ordered()) {
      if (predicate.test(row)) {
        out.add(row);
      }
    }
    return out;
  }

  /** Puts a row exactly as given, replacing one with the same sys_id; no rules run (lock held). */
  void putRaw(String table, Map<String, String> row) {
    Table t = tables.computeIfAbsent(table, Table::new);
    Map<String, String> stored = Map.copyOf(row);
    Map<String, String> old = t.put(stored.get("sys_id"), stored);
    t.noteFields(stored.keySet());
    indexUser(table, old, stored);
    afterWrite(table);
  }

  /** Copies of every table, for clone snapshots and rollback. */
  Map<String, Table> copyTables() {
    return read(() -> {
      Map<String, Table> copy = new HashMap<>();
      tables.forEach((name, t) -> copy.put(name, t.copy()));
      return copy;
    });
  }

  /** Replaces the named tables with copies of the given ones (a table absent from {@code from} becomes empty). */
  void replaceTables(Map<String, Table> from, Set<String> names) {
    replaceTables(from, names, () -> { });
  }

  /** As above, then runs {@code andThen} under the same write lock, so no reader sees the state in between. */
  void replaceTables(Map<String, Table> from, Set<String> names, Runnable andThen) {
    write(() -> {
      for (String name : names) {
        Table source = from.get(name);
        if (source == null) {
          tables.remove(name);
        } else {
          tables.put(name, source.copy());
        }
      }
      derivedStale = true;
      userIdsByName.clear();
      Table users = tables.get("sys_user");
      if (users != null) {
        users.ordered().forEach(u -> indexUser("sys_user", null, u));
      }
      andThen.run();
      return null;
    });
  }

  Set<String> tableNames() {
    return new TreeSet<>(tables.keySet());
  }

  /** Recomputes derived fields if a role-related write happened since the last read. */
  void ensureFresh() {
    if (!derivedStale || (lock.getReadHoldCount() > 0 && !lock.isWriteLockedByCurrentThread())) {
      return;
    }
    lock.writeLock().lock();
    try {
      if (derivedStale) {
        derivedStale = false;
        rules.recomputeRoles(tables);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }
}
