package io.cloneguard.restore;

import io.cloneguard.servicenow.Record;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.ServiceNowException;
import io.cloneguard.servicenow.TableQuery;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads the live rows that correspond to snapshot rows, a bounded number of values per request.
 * The bound is on characters, not rows: the platform echoes the whole query into each of the
 * four URLs of the {@code Link} header, and a header line longer than the HTTP client accepts
 * (8 KB by default) fails the request. Every query carries a guard: the platform silently drops an
 * invalid part of an encoded query, and a dropped {@code IN} would otherwise return the whole table.
 */
final class LiveReader {
  /** Raw characters of values per IN clause: ~30 sys_ids; URL-encoded and repeated four times in Link, under 8 KB. */
  static final int MAX_IN_CHARS = 1000;

  /** Chunks read at once: the client's own bulkhead caps the requests actually in flight. */
  static final int PARALLEL_READS = 4;

  private final ServiceNowClient client;

  LiveReader(ServiceNowClient client) {
    this.client = client;
  }

  /** Rows whose {@code field} is one of {@code values}. */
  List<Record> where(String table, String field, Collection<String> values, List<String> fields) {
    Map<String, Record> rows = new LinkedHashMap<>();
    readInto(table, field, values, withGuardFields(fields, field, null), rows);
    return new ArrayList<>(rows.values());
  }

  /**
   * Rows whose {@code field} is one of {@code values} or whose {@code otherField} is one of
   * {@code otherValues} (e.g. sys_id or user_name, to find the users and anyone who took their
   * names), deduplicated by sys_id.
   */
  List<Record> whereEither(
      String table, String field, Collection<String> values, String otherField, Collection<String> otherValues, List<String> fields) {
    Map<String, Record> rows = new LinkedHashMap<>();
    List<String> wanted = withGuardFields(fields, field, otherField);
    readInto(table, field, values, wanted, rows);
    readInto(table, otherField, otherValues, wanted, rows);
    return new ArrayList<>(rows.values());
  }

  private void readInto(String table, String field, Collection<String> values, List<String> fields, Map<String, Record> into) {
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(values));
    distinct.removeIf(String::isEmpty);
    List<String> plain = new ArrayList<>();
    for (String value : distinct) {
      if (value.indexOf(',') >= 0) {
        read(TableQuery.of(table, field + "=" + value).withFields(fields), field, Set.of(value), into); // a comma would split an IN list
      } else {
        plain.add(value);
      }
    }
    List<List<String>> chunks = chunks(plain);
    if (chunks.size() <= 1) {
      chunks.forEach(chunk -> read(TableQuery.of(table, field + "IN" + String.join(",", chunk)).withFields(fields), field, Set.copyOf(chunk), into));
      return;
    }
    // Many chunks (hundreds of users): read them side by side, or a diff at 50 ms per request takes seconds.
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_READS, chunks.size()), LiveReader::daemonThread);
    try {
      List<Future<Map<String, Record>>> parts = new ArrayList<>();
      for (List<String> chunk : chunks) {
        parts.add(pool.submit(() -> {
          Map<String, Record> part = new LinkedHashMap<>();
          read(TableQuery.of(table, field + "IN" + String.join(",", chunk)).withFields(fields), field, Set.copyOf(chunk), part);
          return part;
        }));
      }
      for (Future<Map<String, Record>> part : parts) {
        part.get().forEach(into::putIfAbsent);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceNowException.Unreachable(client.instance(), table, "reading " + table + " was interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static Thread daemonThread(Runnable r) {
    Thread t = new Thread(r, "cloneguard-restore-read");
    t.setDaemon(true);
    return t;
  }

  private void read(TableQuery query, String field, Set<String> values, Map<String, Record> into) {
    client.forEach(query.requireEach(field + " is one of those asked for", r -> values.contains(r.get(field))), r -> into.putIfAbsent(r.sysId(), r));
  }

  static List<List<String>> chunks(List<String> values) {
    List<List<String>> chunks = new ArrayList<>();
    List<String> current = new ArrayList<>();
    int length = 0;
    for (String value : values) {
      if (!current.isEmpty() && length + 1 + value.length() > MAX_IN_CHARS) {
        chunks.add(current);
        current = new ArrayList<>();
        length = 0;
      }
      current.add(value);
      length += value.length() + 1;
    }
    if (!current.isEmpty()) {
      chunks.add(current);
    }
    return chunks;
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
}
