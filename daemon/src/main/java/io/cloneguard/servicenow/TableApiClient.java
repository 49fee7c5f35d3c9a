package io.cloneguard.servicenow;

import io.cloneguard.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.net.URIBuilder;

/** {@link ServiceNowClient} over the Table and Aggregate APIs. Built by {@link ServiceNowClients}. */
final class TableApiClient implements ServiceNowClient {
  private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_]+");
  private static final Pattern SYS_ID = Pattern.compile("[A-Za-z0-9_-]+");
  private static final ContentType JSON = ContentType.APPLICATION_JSON;

  private final String instance;
  private final URI base;
  private final CloseableHttpClient http;
  private final HttpTransport transport;
  private final Resilience resilience;
  private final Authenticator auth;
  private final ExecutorService pool;
  private final ClientMetrics metrics;
  private final int pageSize;
  private final int concurrency;

  TableApiClient(String instance, URI base, int pageSize, int concurrency, CloseableHttpClient http, HttpTransport transport,
      Resilience resilience, Authenticator auth, ExecutorService pool, ClientMetrics metrics) {
    this.instance = instance;
    this.base = base;
    this.pageSize = pageSize;
    this.concurrency = concurrency;
    this.http = http;
    this.transport = transport;
    this.resilience = resilience;
    this.auth = auth;
    this.pool = pool;
    this.metrics = metrics;
  }

  @Override
  public String instance() {
    return instance;
  }

  @Override
  public void forEach(TableQuery query, Consumer<Record> sink) {
    checkTable(query.table());
    List<String> fields = withSysId(query.fields());
    Pager.Source source = (encodedQuery, offset, limit) -> {
      URI uri = uri(List.of("api", "now", "table", query.table()), params -> {
        params.put("sysparm_query", encodedQuery);
        if (!fields.isEmpty()) {
          params.put("sysparm_fields", String.join(",", fields));
        }
        params.put("sysparm_limit", Integer.toString(limit));
        params.put("sysparm_offset", Integer.toString(offset));
        params.put("sysparm_exclude_reference_link", "true");
        if (query.displayValues()) {
          params.put("sysparm_display_value", "all");
        }
      });
      return call(query.table(), Resilience.Mode.IDEMPOTENT, "GET", uri, null, (response, in) -> {
        List<Record> rows = new ArrayList<>(Math.min(limit, 1024));
        RecordJson.readList(in, query.table(), rows::add);
        return new Pager.Page(rows, totalCount(response.getFirstHeader("X-Total-Count")));
      });
    };
    new Pager(instance, pageSize, concurrency, pool, source).forEach(query, sink);
  }

  @Override
  public Optional<Record> get(String table, String sysId, List<String> fields) {
    checkTable(table);
    checkSysId(table, sysId);
    URI uri = uri(List.of("api", "now", "table", table, sysId), params -> {
      if (fields != null && !fields.isEmpty()) {
        params.put("sysparm_fields", String.join(",", withSysId(fields)));
      }
      params.put("sysparm_exclude_reference_link", "true");
    });
    try {
      return Optional.of(call(table, Resilience.Mode.IDEMPOTENT, "GET", uri, null, (r, in) -> RecordJson.readOne(in, table)));
    } catch (ServiceNowException.NotFound e) {
      return Optional.empty();
    }
  }

  @Override
  public Record insert(String table, Map<String, String> values) {
    checkTable(table);
    URI uri = uri(List.of("api", "now", "table", table), params -> params.put("sysparm_exclude_reference_link", "true"));
    byte[] body = RecordJson.write(values);
    String sysId = values.getOrDefault("sys_id", "");
    if (sysId.isBlank()) {
      return call(table, Resilience.Mode.NOT_PROCESSED_ONLY, "POST", uri, body, (r, in) -> RecordJson.readOne(in, table));
    }
    checkSysId(table, sysId);
    // An earlier attempt may have been stored although its answer was lost: look before sending again.
    boolean[] sentBefore = {false};
    return resilience.retrying(table, Resilience.Mode.IDEMPOTENT, () -> {
      if (sentBefore[0]) {
        Optional<Record> stored = readOnce(table, sysId);
        if (stored.isPresent()) {
          return stored.get();
        }
      }
      sentBefore[0] = true;
      return authed(table, "POST", uri, body, (r, in) -> RecordJson.readOne(in, table));
    });
  }

  @Override
  public Record patch(String table, String sysId, Map<String, String> values) {
    checkTable(table);
    checkSysId(table, sysId);
    URI uri = uri(List.of("api", "now", "table", table, sysId), params -> params.put("sysparm_exclude_reference_link", "true"));
    return call(table, Resilience.Mode.IDEMPOTENT, "PATCH", uri, RecordJson.write(values), (r, in) -> RecordJson.readOne(in, table));
  }

  @Override
  public long count(String table, String query) {
    checkTable(table);
    URI uri = uri(List.of("api", "now", "stats", table), params -> {
      params.put("sysparm_count", "true");
      params.put("sysparm_query", query == null ? "" : query);
    });
    return call(table, Resilience.Mode.IDEMPOTENT, "GET", uri, null, (r, in) -> RecordJson.readCount(in));
  }

  @Override
  public void setPassword(String userSysId, Secret password) {
    checkSysId("sys_user", userSysId);
    URI uri = uri(List.of("api", "now", "table", "sys_user", userSysId), params -> {
      // Without this parameter the platform stores the text as-is instead of as a password.
      params.put("sysparm_input_display_value", "true");
      params.put("sysparm_fields", "sys_id");
    });
    Map<String, String> body = new LinkedHashMap<>();
    body.put("user_password", password.reveal());
    call("sys_user", Resilience.Mode.IDEMPOTENT, "PATCH", uri, RecordJson.write(body), (r, in) -> RecordJson.readOne(in, "sys_user"));
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      http.close();
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      // Closing sockets: nothing left to save.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      metrics.close();
    }
  }

  private Optional<Record> readOnce(String table, String sysId) {
    URI uri = uri(List.of("api", "now", "table", table, sysId), params -> params.put("sysparm_exclude_reference_link", "true"));
    try {
      return Optional.of(authed(table, "GET", uri, null, (r, in) -> RecordJson.readOne(in, table)));
    } catch (ServiceNowException.NotFound e) {
      return Optional.empty();
    }
  }

  private <T> T call(String table, Resilience.Mode mode, String method, URI uri, byte[] body, HttpTransport.BodyReader<T> reader) {
    return resilience.retrying(table, mode, () -> authed(table, method, uri, body, reader));
  }

  /** One attempt; after a 401 with a credential that a refresh may cure, exactly one more. */
  private <T> T authed(String table, String method, URI uri, byte[] body, HttpTransport.BodyReader<T> reader) {
    Function<String, HttpTransport.Exchange> exchange = header -> new HttpTransport.Exchange(method, table, uri, body, body == null ? null : JSON, header);
    String header = auth.header();
    try {
      return transport.execute(exchange.apply(header), reader);
    } catch (ServiceNowException.AuthenticationFailed e) {
      if (!auth.invalidate(header)) {
        throw e;
      }
      return transport.execute(exchange.apply(auth.header()), reader);
    }
  }

  private URI uri(List<String> path, Consumer<Map<String, String>> params) {
    Map<String, String> p = new LinkedHashMap<>();
    params.accept(p);
    try {
      URIBuilder b = new URIBuilder(base);
      List<String> segments = new ArrayList<>(b.getPathSegments());
      segments.removeIf(String::isEmpty);
      segments.addAll(path);
      b.setPathSegments(segments);
      p.forEach(b::addParameter);
      return b.build();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(instance + ": cannot build a request URL from " + base + ": " + e.getMessage(), e);
    }
  }

  private static long totalCount(Header h) {
    if (h == null) {
      return -1;
    }
    try {
      return Long.parseLong(h.getValue().trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static List<String> withSysId(List<String> fields) {
    if (fields.isEmpty() || fields.contains("sys_id")) {
      return fields;
    }
    List<String> all = new ArrayList<>(fields);
    all.add("sys_id"); // the pager orders, de-duplicates and reads back by sys_id
    return all;
  }

  private void checkTable(String table) {
    if (table == null || !TABLE.matcher(table).matches()) {
      throw new IllegalArgumentException(instance + ": invalid table name \"" + table + "\" (letters, digits, _ only)");
    }
  }

  private void checkSysId(String table, String sysId) {
    if (sysId == null || !SYS_ID.matcher(sysId).matches()) {
      throw new IllegalArgumentException(instance + ": " + table + ": invalid sys_id \"" + sysId + "\"");
    }
  }
}
