package io.cloneguard.servicenow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

/**
 * A Table API list endpoint over an in-memory table ordered by sys_id: honours sysparm_offset,
 * sysparm_limit and the {@code sys_id>a^sys_id<b} range the pager sends after a change, counts
 * requests per offset, and can change the table between requests.
 */
final class FakeTable extends Dispatcher {
  private final TreeMap<String, String> rows = new TreeMap<>(); // sys_id -> name
  private final Map<Integer, AtomicInteger> requestsPerOffset = new ConcurrentHashMap<>();
  private final List<String> queries = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile boolean sendTotal = true;
  private volatile IntConsumer beforeResponse = n -> {};

  FakeTable withRows(int n) {
    for (int i = 0; i < n; i++) {
      add(i);
    }
    return this;
  }

  synchronized void add(int i) {
    rows.put(id(i), "row " + i);
  }

  synchronized void remove(int i) {
    rows.remove(id(i));
  }

  static String id(int i) {
    return String.format("%032x", (long) i * 7 + 1);
  }

  FakeTable withoutTotal() {
    sendTotal = false;
    return this;
  }

  /** Runs before the n-th request (1-based) is answered. */
  FakeTable beforeResponse(IntConsumer hook) {
    beforeResponse = hook;
    return this;
  }

  int requests() {
    return requests.get();
  }

  Map<Integer, AtomicInteger> requestsPerOffset() {
    return requestsPerOffset;
  }

  List<String> queries() {
    return queries;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    int n = requests.incrementAndGet();
    beforeResponse.accept(n);
    HttpUrl url = request.getUrl();
    int offset = Integer.parseInt(url.queryParameter("sysparm_offset"));
    int limit = Integer.parseInt(url.queryParameter("sysparm_limit"));
    String query = url.queryParameter("sysparm_query");
    queries.add(query);
    requestsPerOffset.computeIfAbsent(offset, k -> new AtomicInteger()).incrementAndGet();
    List<Map.Entry<String, String>> matching;
    synchronized (this) {
      matching = new ArrayList<>(rows.entrySet());
    }
    String after = between(query, "sys_id>");
    String before = between(query, "sys_id<");
    matching.removeIf(e -> (after != null && e.getKey().compareTo(after) <= 0) || (before != null && e.getKey().compareTo(before) >= 0));
    StringBuilder body = new StringBuilder("{\"result\":[");
    for (int i = offset; i < Math.min(matching.size(), offset + limit); i++) {
      if (i > offset) {
        body.append(',');
      }
      var e = matching.get(i);
      body.append("{\"sys_id\":\"").append(e.getKey()).append("\",\"name\":\"").append(e.getValue()).append("\"}");
    }
    body.append("]}");
    var response = new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json;charset=UTF-8");
    if (sendTotal) {
      response.setHeader("X-Total-Count", matching.size());
    }
    return response.body(body.toString()).build();
  }

  private static String between(String query, String marker) {
    int at = query.indexOf(marker);
    if (at < 0) {
      return null;
    }
    int end = query.indexOf('^', at);
    return query.substring(at + marker.length(), end < 0 ? query.length() : end);
  }
}
