package io.cloneguard.restore;

import io.cloneguard.config.Secret;
import io.cloneguard.servicenow.Record;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.ServiceNowException;
import io.cloneguard.servicenow.TableQuery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * An in-memory instance behind the real {@link ServiceNowClient} interface, for unit tests. It
 * understands the small encoded-query subset restore uses ({@code =}, {@code !=}, {@code IN},
 * {@code ^}, {@code ^OR}, one level of dot-walking), enforces the query's guard like the real
 * client, rejects a second insert of the same sys_id, and records every write.
 */
final class FakeServiceNowClient implements ServiceNowClient {
  private static final Map<String, String> REFERENCES = Map.of("user", "sys_user", "role", "sys_user_role", "group", "sys_user_group");

  private final String instance;
  private final Map<String, Map<String, Map<String, String>>> tables = new HashMap<>();
  private final Map<String, String> passwords = new HashMap<>();
  private final List<String> writes = new ArrayList<>();
  private final List<String> reads = new ArrayList<>();
  final Set<String> forbiddenWrites = ConcurrentHashMap.newKeySet();
  final Set<String> forbiddenReads = ConcurrentHashMap.newKeySet();
  final Set<String> assignOwnSysIds = ConcurrentHashMap.newKeySet();
  /** After this many successful writes every request fails as if the instance had gone away; -1 = never. */
  volatile int unreachableAfterWrites = -1;
  /** Returns every row whatever the query says, as the platform does when a query part is invalid. */
  volatile boolean ignoreQueries;
  /** Role containment (role sys_id → contained role sys_ids), used to derive sys_user.roles like the platform. */
  final Map<String, List<String>> contains = new ConcurrentHashMap<>();
  /** Called at the start of each write, outside the lock (tests use it to observe parallelism). */
  volatile Runnable onWrite = () -> {};

  FakeServiceNowClient(String instance) {
    this.instance = instance;
  }

  synchronized FakeServiceNowClient put(Record row) {
    tables.computeIfAbsent(row.table(), t -> new LinkedHashMap<>()).put(row.sysId(), new LinkedHashMap<>(row.values()));
    return this;
  }

  synchronized FakeServiceNowClient putAll(List<Record> rows) {
    rows.forEach(this::put);
    return this;
  }

  synchronized void remove(String table, String sysId) {
    tables.getOrDefault(table, Map.of()).remove(sysId);
  }

  synchronized List<Record> rows(String table) {
    return tables.getOrDefault(table, Map.of()).values().stream().map(v -> Record.of(table, v)).toList();
  }

  synchronized Optional<Record> row(String table, String sysId) {
    return Optional.ofNullable(tables.getOrDefault(table, Map.of()).get(sysId)).map(v -> Record.of(table, v));
  }

  synchronized List<String> writes() {
    return List.copyOf(writes);
  }

  synchronized List<String> reads() {
    return List.copyOf(reads);
  }

  synchronized Optional<String> password(String userSysId) {
    return Optional.ofNullable(passwords.get(userSysId));
  }

  @Override
  public String instance() {
    return instance;
  }

  @Override
  public void forEach(TableQuery query, Consumer<Record> sink) {
    List<Record> matches = new ArrayList<>();
    synchronized (this) {
      checkReachable(query.table());
      if (forbiddenReads.contains(query.table())) {
        throw new ServiceNowException.Forbidden(instance, query.table(), "read of " + query.table() + " refused by ACL (HTTP 403)");
      }
      reads.add(query.table() + "?" + query.query());
      for (Map<String, String> stored : tables.getOrDefault(query.table(), Map.of()).values()) {
        Map<String, String> values = derived(query.table(), stored);
        if (ignoreQueries || matches(values, query.query())) {
          matches.add(Record.of(query.table(), values));
        }
      }
    }
    for (Record r : matches) {
      if (query.guard() != null && !query.guard().test(r)) {
        throw new ServiceNowException.UnexpectedRow(instance, query.table(), "row " + r.sysId() + " does not satisfy: " + query.guardDescription());
      }
      sink.accept(r);
    }
  }

  @Override
  public synchronized Optional<Record> get(String table, String sysId, List<String> fields) {
    checkReachable(table);
    return row(table, sysId);
  }

  @Override
  public Record insert(String table, Map<String, String> values) {
    onWrite.run();
    synchronized (this) {
      beforeWrite(table);
      Map<String, String> row = new LinkedHashMap<>(values);
      String sysId = values.get("sys_id");
      if (sysId == null || assignOwnSysIds.contains(table)) {
        sysId = UUID.randomUUID().toString().replace("-", "");
        row.put("sys_id", sysId);
      }
      Map<String, Map<String, String>> rows = tables.computeIfAbsent(table, t -> new LinkedHashMap<>());
      if (rows.containsKey(sysId)) {
        throw new ServiceNowException.ServerError(instance, table, 400, "duplicate sys_id " + sysId + " in " + table);
      }
      rows.put(sysId, row);
      writes.add("POST " + table + " " + sysId);
      return Record.of(table, row);
    }
  }

  @Override
  public Record patch(String table, String sysId, Map<String, String> values) {
    onWrite.run();
    synchronized (this) {
      beforeWrite(table);
      Map<String, String> row = tables.getOrDefault(table, Map.of()).get(sysId);
      if (row == null) {
        throw new ServiceNowException.NotFound(instance, table, "no " + table + " " + sysId);
      }
      row.putAll(values);
      writes.add("PATCH " + table + " " + sysId + " " + new java.util.TreeMap<>(values));
      return Record.of(table, row);
    }
  }

  @Override
  public synchronized long count(String table, String query) {
    checkReachable(table);
    return tables.getOrDefault(table, Map.of()).values().stream().filter(v -> matches(v, query)).count();
  }

  @Override
  public void setPassword(String userSysId, Secret password) {
    onWrite.run();
    synchronized (this) {
      beforeWrite("sys_user");
      passwords.put(userSysId, password.reveal());
      writes.add("PASSWORD sys_user " + userSysId);
    }
  }

  @Override
  public void close() {}

  /**
   * A user inserted without {@code roles} gets them derived as the platform does: its grants, the
   * roles of its groups, and what those roles contain. Rows seeded with roles keep them as given.
   */
  private Map<String, String> derived(String table, Map<String, String> stored) {
    if (!table.equals("sys_user") || stored.containsKey("roles")) {
      return stored;
    }
    String user = stored.get("sys_id");
    java.util.Set<String> roleIds = new java.util.TreeSet<>();
    tables.getOrDefault("sys_user_has_role", Map.of()).values().stream().filter(g -> user.equals(g.get("user"))).forEach(g -> roleIds.add(g.get("role")));
    tables.getOrDefault("sys_user_grmember", Map.of()).values().stream().filter(m -> user.equals(m.get("user"))).forEach(m ->
        tables.getOrDefault("sys_group_has_role", Map.of()).values().stream().filter(gr -> m.get("group").equals(gr.get("group")))
            .forEach(gr -> roleIds.add(gr.get("role"))));
    new ArrayList<>(roleIds).forEach(r -> roleIds.addAll(contains.getOrDefault(r, List.of())));
    Map<String, Map<String, String>> roles = tables.getOrDefault("sys_user_role", Map.of());
    String names = roleIds.stream().map(r -> roles.getOrDefault(r, Map.of()).getOrDefault("name", r)).sorted().collect(java.util.stream.Collectors.joining(","));
    Map<String, String> copy = new LinkedHashMap<>(stored);
    copy.put("roles", names);
    return copy;
  }

  private void beforeWrite(String table) {
    checkReachable(table);
    if (forbiddenWrites.contains(table)) {
      throw new ServiceNowException.Forbidden(instance, table, "Operation against " + table + " from REST API is not allowed by ACL (HTTP 403)");
    }
  }

  private void checkReachable(String table) {
    if (unreachableAfterWrites >= 0 && writes.size() >= unreachableAfterWrites) {
      throw new ServiceNowException.Unreachable(instance, table, instance + " is unreachable: connection refused", null);
    }
  }

  private boolean matches(Map<String, String> row, String query) {
    if (query == null || query.isEmpty()) {
      return true;
    }
    // "a^b^ORc" means a AND (b OR c): ^OR joins a term to the one before it.
    List<List<String>> clauses = new ArrayList<>();
    for (String part : query.split("\\^")) {
      if (part.startsWith("OR") && !clauses.isEmpty()) {
        clauses.get(clauses.size() - 1).add(part.substring(2));
      } else if (!part.isEmpty()) {
        clauses.add(new ArrayList<>(List.of(part)));
      }
    }
    return clauses.stream().allMatch(any -> any.stream().anyMatch(term -> term(row, term)));
  }

  private boolean term(Map<String, String> row, String term) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([a-z_.]+?)(IN|!=|=)(.*)$").matcher(term);
    if (!m.matches()) {
      throw new IllegalArgumentException("the fake does not understand query term '" + term + "'");
    }
    String value = value(row, m.group(1));
    return switch (m.group(2)) {
      case "IN" -> List.of(m.group(3).split(",")).contains(value);
      case "!=" -> !value.equals(m.group(3));
      default -> value.equals(m.group(3));
    };
  }

  private String value(Map<String, String> row, String field) {
    int dot = field.indexOf('.');
    if (dot < 0) {
      return row.getOrDefault(field, "");
    }
    String ref = field.substring(0, dot);
    Map<String, String> target = tables.getOrDefault(REFERENCES.getOrDefault(ref, ref), Map.of()).get(row.getOrDefault(ref, ""));
    return target == null ? "" : target.getOrDefault(field.substring(dot + 1), "");
  }
}
