package io.cloneguard.snapshot;

import io.cloneguard.config.Secret;
import io.cloneguard.servicenow.Record;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.ServiceNowException;
import io.cloneguard.servicenow.TableQuery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * An in-memory ServiceNowClient for unit tests. It understands the encoded queries capture sends
 * ({@code fieldINa,b}, {@code roles=x}, {@code ^OR}, one level of dot-walk), projects {@code sysparm_fields} (dot-walked too),
 * enforces the query guard like the real client, and can misbehave: ignore a table's query (the
 * platform's all-rows gotcha) or fail a table outright.
 */
final class FakeServiceNowClient implements ServiceNowClient {
  private final String instance;
  private final Map<String, List<Map<String, String>>> tables = new ConcurrentHashMap<>();
  private final Set<String> ignoreQueryOf = ConcurrentHashMap.newKeySet();
  private final Map<String, RuntimeException> failures = new ConcurrentHashMap<>();
  final List<TableQuery> queries = new CopyOnWriteArrayList<>();

  FakeServiceNowClient(String instance) {
    this.instance = instance;
  }

  FakeServiceNowClient add(String table, Map<String, String> row) {
    tables.computeIfAbsent(table, t -> new CopyOnWriteArrayList<>()).add(row);
    return this;
  }

  FakeServiceNowClient ignoreQueryOf(String table) {
    ignoreQueryOf.add(table);
    return this;
  }

  FakeServiceNowClient fail(String table, RuntimeException e) {
    failures.put(table, e);
    return this;
  }

  @Override
  public String instance() {
    return instance;
  }

  @Override
  public void forEach(TableQuery query, Consumer<Record> sink) {
    queries.add(query);
    RuntimeException failure = failures.get(query.table());
    if (failure != null) {
      throw failure;
    }
    for (Map<String, String> row : tables.getOrDefault(query.table(), List.of())) {
      if (ignoreQueryOf.contains(query.table()) || matches(query.table(), row, query.query())) {
        Record r = Record.of(query.table(), project(query.table(), row, query.fields()));
        if (query.guard() != null && !query.guard().test(r)) {
          throw new ServiceNowException.UnexpectedRow(instance, query.table(), "row " + r.sysId() + " fails '" + query.guardDescription() + "'");
        }
        sink.accept(r);
      }
    }
  }

  /** {@code a^ORb}, each term {@code fieldINx,y} or {@code field=value} ({@code =} on a roles field means "holds"). */
  private boolean matches(String table, Map<String, String> row, String query) {
    if (query.isEmpty()) {
      return true;
    }
    for (String term : query.split("\\^OR")) {
      int in = term.indexOf("IN");
      int eq = term.indexOf('=');
      if (eq > 0 && (in < 0 || eq < in)) {
        String field = term.substring(0, eq);
        String value = value(table, row, field);
        boolean listField = field.equals("roles") || field.endsWith(".roles");
        if (listField ? List.of(value.split(",")).contains(term.substring(eq + 1)) : value.equals(term.substring(eq + 1))) {
          return true;
        }
      } else if (Set.of(term.substring(in + 2).split(",")).contains(value(table, row, term.substring(0, in)))) {
        return true;
      }
    }
    return false;
  }

  private Map<String, String> project(String table, Map<String, String> row, List<String> fields) {
    if (fields.isEmpty()) {
      return row;
    }
    Map<String, String> out = new HashMap<>();
    for (String f : fields) {
      out.put(f, value(table, row, f));
    }
    return out;
  }

  /** A field, dot-walking one reference ({@code role.name}) the way the platform does. */
  private String value(String table, Map<String, String> row, String field) {
    int dot = field.indexOf('.');
    if (dot < 0) {
      return row.getOrDefault(field, "");
    }
    String ref = row.getOrDefault(field.substring(0, dot), "");
    String refTable = switch (field.substring(0, dot)) {
      case "role" -> "sys_user_role";
      case "user" -> "sys_user";
      case "group", "granted_by" -> "sys_user_group";
      default -> throw new IllegalArgumentException("fake cannot dot-walk " + field + " of " + table);
    };
    return tables.getOrDefault(refTable, List.of()).stream()
        .filter(r -> ref.equals(r.get("sys_id")))
        .findFirst()
        .map(r -> r.getOrDefault(field.substring(dot + 1), ""))
        .orElse("");
  }

  @Override
  public Optional<Record> get(String table, String sysId, List<String> fields) {
    throw new UnsupportedOperationException("capture never reads single records");
  }

  @Override
  public Record insert(String table, Map<String, String> values) {
    throw new UnsupportedOperationException("capture never writes");
  }

  @Override
  public Record patch(String table, String sysId, Map<String, String> values) {
    throw new UnsupportedOperationException("capture never writes");
  }

  @Override
  public long count(String table, String query) {
    List<Record> rows = new ArrayList<>();
    forEach(TableQuery.of(table, query), rows::add);
    return rows.size();
  }

  @Override
  public void setPassword(String userSysId, Secret password) {
    throw new UnsupportedOperationException("capture never writes");
  }

  @Override
  public void close() {}
}
