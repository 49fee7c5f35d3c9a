package io.cloneguard.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every request an instance answered (control endpoints under /sim/ excepted), so tests and
 * benchmarks can assert how many calls were made. Thread-safe.
 */
public final class RequestLog {
  private static final Set<String> WRITES = Set.of("POST", "PATCH", "PUT", "DELETE");

  /**
   * One answered request. {@code endpoint} is {@code table}, {@code stats}, {@code oauth} or
   * {@code other}; {@code table} is "" when the path names none; {@code status} is 0 when the connection was reset.
   */
  public record Entry(Instant at, String method, String endpoint, String table, String path, int status) {
    /** A key like {@code GET table/sys_user} or {@code POST oauth}. */
    public String key() {
      return method + " " + endpoint + (table.isEmpty() ? "" : "/" + table);
    }
  }

  private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();

  void add(Entry entry) {
    entries.add(entry);
  }

  /** Table API requests with this method on this table ({@code count("POST", "sys_user")}). */
  public long count(String method, String table) {
    return entries.stream().filter(e -> e.endpoint().equals("table") && e.method().equalsIgnoreCase(method) && e.table().equals(table)).count();
  }

  /** Aggregate API requests on this table. */
  public long statsCount(String table) {
    return entries.stream().filter(e -> e.endpoint().equals("stats") && e.table().equals(table)).count();
  }

  /** Table API writes (POST, PATCH, PUT, DELETE) on any table. */
  public long writes() {
    return entries.stream().filter(e -> e.endpoint().equals("table") && WRITES.contains(e.method())).count();
  }

  /** Table API writes on one table. */
  public long writes(String table) {
    return entries.stream().filter(e -> e.endpoint().equals("table") && WRITES.contains(e.method()) && e.table().equals(table)).count();
  }

  /** Requests answered with this status. */
  public long withStatus(int status) {
    return entries.stream().filter(e -> e.status() == status).count();
  }

  public long total() {
    return entries.size();
  }

  /** Counts per endpoint key, sorted ({@code "GET table/sys_user" -> 3}). */
  public Map<String, Long> perEndpoint() {
    Map<String, Long> counts = new TreeMap<>();
    for (Entry e : entries) {
      counts.merge(e.key(), 1L, Long::sum);
    }
    return counts;
  }

  public List<Entry> entries() {
    return new ArrayList<>(entries);
  }

  public void clear() {
    entries.clear();
  }
}
