package io.cloneguard.restore;

import io.cloneguard.servicenow.Record;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.TableQuery;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the live rows that correspond to snapshot rows, a bounded number of sys_ids per request so
 * URLs stay short. Every query carries a guard: the platform silently drops an invalid part of an
 * encoded query, and a dropped {@code IN} would otherwise return the whole table.
 */
final class LiveReader {
  /** sys_ids per IN clause: 100 × 33 characters keeps a URL well under common 8 KB limits. */
  static final int CHUNK = 100;

  private final ServiceNowClient client;

  LiveReader(ServiceNowClient client) {
    this.client = client;
  }

  /** Rows whose {@code field} is one of {@code values}. */
  List<Record> where(String table, String field, Collection<String> values, List<String> fields) {
    return whereEither(table, field, values, null, List.of(), fields);
  }

  /**
   * Rows whose {@code field} is one of {@code values} or whose {@code otherField} is one of
   * {@code otherValues} (e.g. sys_id or user_name, to find the users and anyone who took their
   * names), deduplicated by sys_id.
   */
  List<Record> whereEither(
      String table, String field, Collection<String> values, String otherField, Collection<String> otherValues, List<String> fields) {
    Map<String, Record> rows = new LinkedHashMap<>();
    fields = withGuardFields(fields, field, otherField);
    List<String> first = new ArrayList<>(new LinkedHashSet<>(values));
    List<String> second = otherField == null ? new ArrayList<>() : new ArrayList<>(new LinkedHashSet<>(otherValues));
    for (String odd : commaValues(first)) {
      read(TableQuery.of(table, field + "=" + odd).withFields(fields), field, Set.of(odd), null, Set.of(), rows);
    }
    for (String odd : commaValues(second)) {
      read(TableQuery.of(table, otherField + "=" + odd).withFields(fields), otherField, Set.of(odd), null, Set.of(), rows);
    }
    first.removeIf(LiveReader::needsOwnQuery);
    second.removeIf(LiveReader::needsOwnQuery);
    int chunks = Math.max(chunkCount(first), chunkCount(second));
    for (int i = 0; i < chunks; i++) {
      List<String> a = chunk(first, i);
      List<String> b = chunk(second, i);
      String query;
      if (!a.isEmpty() && !b.isEmpty()) {
        query = field + "IN" + String.join(",", a) + "^OR" + otherField + "IN" + String.join(",", b);
      } else if (!a.isEmpty()) {
        query = field + "IN" + String.join(",", a);
      } else {
        query = otherField + "IN" + String.join(",", b);
      }
      read(TableQuery.of(table, query).withFields(fields), field, Set.copyOf(a), otherField, Set.copyOf(b), rows);
    }
    return new ArrayList<>(rows.values());
  }

  private void read(TableQuery query, String field, Set<String> values, String otherField, Set<String> otherValues, Map<String, Record> into) {
    String description = otherField == null ? field + " is one of those asked for" : field + " or " + otherField + " is one of those asked for";
    client.forEach(
        query.requireEach(description, r -> values.contains(r.get(field)) || (otherField != null && otherValues.contains(r.get(otherField)))),
        r -> into.putIfAbsent(r.sysId(), r));
  }

  /** The guard checks these fields, so they must come back even when the caller asks for few. */
  private static List<String> withGuardFields(List<String> fields, String field, String otherField) {
    if (fields.isEmpty()) {
      return fields;
    }
    Set<String> all = new LinkedHashSet<>(fields);
    all.add("sys_id");
    all.add(field);
    if (otherField != null) {
      all.add(otherField);
    }
    return List.copyOf(all);
  }

  /** Values an IN list cannot carry: a comma would split them. */
  private static List<String> commaValues(List<String> values) {
    return values.stream().filter(LiveReader::needsOwnQuery).toList();
  }

  private static boolean needsOwnQuery(String value) {
    return value.indexOf(',') >= 0;
  }

  private static int chunkCount(List<String> values) {
    return (values.size() + CHUNK - 1) / CHUNK;
  }

  private static List<String> chunk(List<String> values, int index) {
    int from = index * CHUNK;
    return from >= values.size() ? List.of() : values.subList(from, Math.min(values.size(), from + CHUNK));
  }
}
