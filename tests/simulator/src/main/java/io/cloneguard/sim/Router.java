package io.cloneguard.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The front door of one instance: control endpoints under /sim/, then (for everything else) the
 * request log, injected faults, the maintenance page during a clone, authentication, and the
 * Table, Aggregate and OAuth APIs.
 */
final class Router implements HttpHandler {
  private static final Pattern API = Pattern.compile("^/api/now/(?:v\\d+/)?(table|stats)/([^/]+)(?:/([^/]+))?/?$");

  private final SimInstance instance;

  Router(SimInstance instance) {
    this.instance = instance;
  }

  @Override
  public void handle(HttpExchange ex) {
    try {
      String path = ex.getRequestURI().getRawPath();
      if (path.startsWith("/sim/") || path.equals("/sim")) {
        write(ex, instance.control().handle(ex.getRequestMethod(), path, Params.parse(ex.getRequestURI().getRawQuery()),
            ex.getRequestBody().readAllBytes()), null);
        return;
      }
      Matcher m = API.matcher(path);
      String endpoint = m.matches() ? m.group(1) : path.equals("/oauth_token.do") ? "oauth" : "other";
      String table = m.matches() ? m.group(2) : "";
      String sysId = m.matches() ? m.group(3) : null;
      serve(ex, path, endpoint, table, sysId);
    } catch (IOException | RuntimeException e) {
      // The client went away or a handler failed; closing the exchange drops the connection.
    } finally {
      ex.close();
    }
  }

  /** Answers one API request; it is logged before the response goes out, so a client never sees an unlogged answer. */
  private void serve(HttpExchange ex, String path, String endpoint, String table, String sysId) throws IOException {
    Faults faults = instance.faults();
    sleep(faults.delayFor(table));
    Faults.Action fault = faults.next(table);
    if (fault != null && fault.kind() == Faults.Kind.RESET) {
      log(ex, path, endpoint, table, 0);
      return; // closing the exchange before any response closes the connection
    }
    Response r;
    if (fault != null && fault.kind() != Faults.Kind.SLOW) {
      r = faultResponse(fault, faults);
    } else {
      r = answer(ex, path, endpoint, table, sysId);
    }
    log(ex, path, endpoint, table, r.status());
    write(ex, r, fault != null && fault.kind() == Faults.Kind.SLOW ? fault.slowBody() : null);
  }

  private void log(HttpExchange ex, String path, String endpoint, String table, int status) {
    instance.requestLog().add(new RequestLog.Entry(instance.clock().instant(), ex.getRequestMethod(), endpoint, table, path, status));
  }

  private Response answer(HttpExchange ex, String path, String endpoint, String table, String sysId) throws IOException {
    if (instance.inMaintenance()) {
      return Response.html(503, "Instance Unavailable",
          "This instance is unavailable while a clone is in progress. Please try again later.");
    }
    Params p = Params.parse(ex.getRequestURI().getRawQuery());
    byte[] body = ex.getRequestBody().readAllBytes();
    String method = ex.getRequestMethod();
    try {
      if (endpoint.equals("oauth")) {
        return instance.oauth().token(method, body, ex.getRequestHeaders().getFirst("Content-Type"));
      }
      if (instance.faults().unauthorized()) {
        return Response.unauthorized();
      }
      Auth.Principal who = instance.auth().authenticate(ex.getRequestHeaders().getFirst("Authorization"));
      if (who == null) {
        return Response.unauthorized();
      }
      return switch (endpoint) {
        case "table" -> instance.tableApi().table(method, path, table, sysId, p, body, who);
        case "stats" -> instance.tableApi().stats(method, table, p);
        default -> Response.error(400, "Requested URI does not represent any resource", null);
      };
    } catch (ApiError e) {
      return Response.of(e);
    }
  }

  private Response faultResponse(Faults.Action fault, Faults faults) {
    return switch (fault.kind()) {
      case HTML -> Response.html(200, "ServiceNow", "Logging in... (an HTML page where JSON was expected)");
      case RATE_LIMITED -> {
        long reset = instance.clock().millis() / 1000 + Math.max(1, fault.retryAfterSeconds());
        yield Response.error(429, "Too Many Requests", "The rate limit of this instance was exceeded; retry after " + fault.retryAfterSeconds() + " s")
            .header("Retry-After", String.valueOf(fault.retryAfterSeconds()))
            .header("X-RateLimit-Limit", String.valueOf(Math.max(faults.budgetPerSecond(), 1)))
            .header("X-RateLimit-Reset", String.valueOf(reset))
            .header("X-RateLimit-Rule", "a1b2c3d4e5f60718293a4b5c6d7e8f90");
      }
      default -> switch (fault.status()) {
        case 401 -> Response.unauthorized();
        case 502 -> Response.html(502, "502 Bad Gateway", "The proxy could not reach the instance.");
        case 503 -> Response.html(503, "Instance Unavailable", "This instance is temporarily unavailable.");
        case 403 -> Response.error(403, "Operation Failed", "ACL Exception: injected fault");
        case 404 -> Response.error(404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval");
        case 429 -> Response.error(429, "Too Many Requests", "injected fault").header("Retry-After", "1");
        default -> Response.error(fault.status(), "Internal Server Error", "injected fault " + fault.status());
      };
    };
  }

  private static void write(HttpExchange ex, Response r, Duration slowBody) throws IOException {
    for (Map.Entry<String, String> h : r.headers().entrySet()) {
      ex.getResponseHeaders().set(h.getKey(), h.getValue());
    }
    if (r.contentType() != null) {
      ex.getResponseHeaders().set("Content-Type", r.contentType());
    }
    byte[] body = r.body();
    if (body.length == 0) {
      ex.sendResponseHeaders(r.status(), -1);
      return;
    }
    if (slowBody == null) {
      ex.sendResponseHeaders(r.status(), body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
      return;
    }
    ex.sendResponseHeaders(r.status(), body.length);
    int pieces = 10;
    int size = (body.length + pieces - 1) / pieces;
    try (OutputStream out = ex.getResponseBody()) {
      for (int from = 0; from < body.length; from += size) {
        out.write(body, from, Math.min(size, body.length - from));
        out.flush();
        sleep(slowBody.dividedBy(pieces));
      }
    }
  }

  /** Injected latency is real time: a benchmark's 50 ms must really be 50 ms. */
  private static void sleep(Duration d) {
    if (d.isZero() || d.isNegative()) {
      return;
    }
    try {
      Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
