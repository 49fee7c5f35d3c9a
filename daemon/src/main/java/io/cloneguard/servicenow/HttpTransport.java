package io.cloneguard.servicenow;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cloneguard.config.HttpConfig;
import io.cloneguard.config.SecretMask;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * One HTTP exchange with an instance: sends the request through {@link Resilience#guard}, times
 * it, and turns every outcome into a value, a {@link TransientFailure} (worth another attempt) or
 * a final {@link ServiceNowException}. Messages name instance, operation, table and status, and
 * pass through {@link SecretMask}; request bodies and headers never appear in them.
 */
final class HttpTransport {
  private static final int ERROR_BODY_LIMIT = 8192;
  private static final int EXCERPT_CHARS = 200;
  private static final Pattern MAINTENANCE = Pattern.compile(
      "(?i)maintenance|temporarily unavailable|hibernat|upgrade in progress|clone in progress|being cloned|instance is unavailable");

  /** What to send. {@code authorization} is the full header value, or null for the token endpoint. */
  record Exchange(String method, String table, URI uri, byte[] body, ContentType contentType, String authorization) {}

  /** Reads a 2xx JSON body. */
  @FunctionalInterface
  interface BodyReader<T> {
    T read(ClassicHttpResponse response, InputStream body) throws IOException;
  }

  private final String instance;
  private final HttpConfig http;
  private final CloseableHttpClient client;
  private final Resilience resilience;
  private final ClientMetrics metrics;
  private final Clock clock;

  HttpTransport(String instance, HttpConfig http, CloseableHttpClient client, Resilience resilience, ClientMetrics metrics, Clock clock) {
    this.instance = instance;
    this.http = http;
    this.client = client;
    this.resilience = resilience;
    this.metrics = metrics;
    this.clock = clock;
  }

  <T> T execute(Exchange ex, BodyReader<T> reader) {
    return resilience.guard(ex.table(), () -> timed(ex, reader));
  }

  private <T> T timed(Exchange ex, BodyReader<T> reader) {
    long start = System.nanoTime();
    String outcome = "success";
    try {
      return send(ex, reader);
    } catch (TransientFailure f) {
      outcome = outcome(f.failure());
      throw f;
    } catch (ServiceNowException e) {
      outcome = outcome(e);
      throw e;
    } finally {
      metrics.request(ex.table(), ex.method(), outcome, System.nanoTime() - start);
    }
  }

  private <T> T send(Exchange ex, BodyReader<T> reader) {
    HttpUriRequestBase request = new HttpUriRequestBase(ex.method(), ex.uri());
    request.setHeader(HttpHeaders.ACCEPT, "application/json");
    if (ex.authorization() != null) {
      request.setHeader(HttpHeaders.AUTHORIZATION, ex.authorization());
    }
    if (ex.body() != null) {
      request.setEntity(new ByteArrayEntity(ex.body(), ex.contentType()));
    }
    try (ClassicHttpResponse response = client.executeOpen(null, request, null)) {
      int status = response.getCode();
      HttpEntity entity = response.getEntity();
      if (status >= 200 && status < 300) {
        if (entity == null) {
          throw invalid(ex, status, "an empty body", null);
        }
        if (!isJson(entity)) {
          throw notJson(ex, status, entity);
        }
        T result = reader.read(response, entity.getContent());
        EntityUtils.consume(entity);
        return result;
      }
      throw failure(ex, response, status);
    } catch (JsonProcessingException e) {
      // Checked before IOException: Jackson's parse errors are IOExceptions too. Not chained as the
      // cause, because Jackson quotes body text in its messages.
      throw invalid(ex, 200, "malformed or truncated JSON: " + e.getOriginalMessage(), null);
    } catch (SSLException e) {
      throw new ServiceNowException.Unreachable(instance, ex.table(), prefix(ex)
          + "TLS handshake failed (" + mask(e.getMessage()) + "); if the instance uses a corporate CA, add it to http.trustStore", e);
    } catch (ConnectException | ConnectTimeoutException | UnknownHostException | NoRouteToHostException e) {
      throw new TransientFailure(new ServiceNowException.Unreachable(instance, ex.table(), prefix(ex)
          + "cannot connect (" + mask(e.getMessage()) + "); check the instance url and the network/proxy", e),
          "unreachable", true, null, true);
    } catch (SocketTimeoutException e) {
      throw new TransientFailure(new ServiceNowException.Unreachable(instance, ex.table(), prefix(ex)
          + "no response within " + http.requestTimeout().toMillis() + " ms (http.requestTimeout)", e),
          "timeout", false, null, true);
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
      throw new ServiceNowException(instance, ex.table(), 0, prefix(ex) + "interrupted", e);
    } catch (IOException e) {
      throw new TransientFailure(new ServiceNowException.Unreachable(instance, ex.table(), prefix(ex)
          + "connection failed mid-request (" + e.getClass().getSimpleName() + ": " + mask(e.getMessage()) + ")", e),
          "unreachable", false, null, true);
    }
  }

  private RuntimeException failure(Exchange ex, ClassicHttpResponse response, int status) throws IOException {
    byte[] body = readLimited(response.getEntity());
    String serverSays = mask(RecordJson.errorMessage(body));
    if (serverSays.isEmpty() && body.length > 0) {
      serverSays = mask(RecordJson.excerpt(body, EXCERPT_CHARS));
    }
    String detail = serverSays.isEmpty() ? "" : ": " + serverSays;
    Duration retryAfter = retryAfter(response);
    String p = prefix(ex) + "HTTP " + status;
    return switch (status) {
      case 401 -> new ServiceNowException.AuthenticationFailed(instance, ex.table(), p
          + " authentication failed" + detail
          + ". Check the credentials in the config; if the instance was just cloned, the clone may have removed or replaced this account");
      case 403 -> new ServiceNowException.Forbidden(instance, ex.table(), p
          + " forbidden: an ACL, business rule or data policy refused " + ex.method() + " on " + tableName(ex) + detail);
      case 404 -> new ServiceNowException.NotFound(instance, ex.table(), p + " not found" + detail);
      case 429 -> new TransientFailure(new ServiceNowException.RateLimited(instance, ex.table(), p
          + " rate limited by the instance's rate-limit rules" + detail
          + "; lower http.maxRequestsPerSecond or raise the rule's limit"), "rate_limited", true, retryAfter, false);
      case 503 -> new TransientFailure(new ServiceNowException.Unavailable(instance, ex.table(), status, p
          + " instance unavailable (maintenance, upgrade or clone in progress?)" + detail + "; retry later"),
          "unavailable", false, retryAfter, true);
      case 502, 504 -> new TransientFailure(new ServiceNowException.ServerError(instance, ex.table(), status, p
          + " gateway error" + detail), "server_error", false, retryAfter, true);
      default -> {
        if (status >= 300 && status < 400) {
          Header location = response.getFirstHeader(HttpHeaders.LOCATION);
          yield invalid(ex, status, "a redirect to " + (location == null ? "?" : mask(location.getValue()))
              + " (login/SSO page or wrong instance url?)", null);
        }
        yield new ServiceNowException.ServerError(instance, ex.table(), status, p
            + (status >= 500 ? " server error" : " request rejected") + detail);
      }
    };
  }

  private RuntimeException notJson(Exchange ex, int status, HttpEntity entity) throws IOException {
    byte[] body = readLimited(entity);
    String excerpt = mask(RecordJson.excerpt(body, EXCERPT_CHARS));
    if (MAINTENANCE.matcher(new String(body, java.nio.charset.StandardCharsets.UTF_8)).find()) {
      return new TransientFailure(new ServiceNowException.Unavailable(instance, ex.table(), status, prefix(ex)
          + "HTTP " + status + " instance unavailable: it serves a maintenance page (clone or upgrade in progress?): "
          + excerpt + "; retry later"), "unavailable", false, null, true);
    }
    return invalid(ex, status, entity.getContentType() + " instead of JSON (login or SSO page? check the instance url): " + excerpt, null);
  }

  private ServiceNowException invalid(Exchange ex, int status, String what, Throwable cause) {
    return new ServiceNowException.InvalidResponse(instance, ex.table(), status,
        prefix(ex) + "HTTP " + status + " invalid response: " + mask(what), cause);
  }

  private Duration retryAfter(ClassicHttpResponse response) {
    Header h = response.getFirstHeader("Retry-After");
    if (h == null || h.getValue() == null) {
      return null;
    }
    String v = h.getValue().trim();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
    } catch (NumberFormatException e) {
      try {
        Duration d = Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private static boolean isJson(HttpEntity entity) {
    String type = entity.getContentType();
    return type == null || type.isBlank() || type.toLowerCase(java.util.Locale.ROOT).contains("json");
  }

  private static byte[] readLimited(HttpEntity entity) throws IOException {
    if (entity == null) {
      return new byte[0];
    }
    try (InputStream in = entity.getContent()) {
      return in.readNBytes(ERROR_BODY_LIMIT);
    }
  }

  private String prefix(Exchange ex) {
    return instance + ": " + ex.method() + " " + tableName(ex) + ": ";
  }

  private static String tableName(Exchange ex) {
    return ex.table() == null ? ex.uri().getPath() : ex.table();
  }

  private static String mask(String text) {
    return text == null ? "" : SecretMask.mask(text);
  }

  static String outcome(ServiceNowException e) {
    if (e instanceof ServiceNowException.Unreachable) {
      return "unreachable";
    } else if (e instanceof ServiceNowException.Unavailable) {
      return "unavailable";
    } else if (e instanceof ServiceNowException.AuthenticationFailed) {
      return "unauthorized";
    } else if (e instanceof ServiceNowException.Forbidden) {
      return "forbidden";
    } else if (e instanceof ServiceNowException.NotFound) {
      return "not_found";
    } else if (e instanceof ServiceNowException.RateLimited) {
      return "rate_limited";
    } else if (e instanceof ServiceNowException.ServerError) {
      return "server_error";
    } else if (e instanceof ServiceNowException.InvalidResponse) {
      return "invalid_response";
    }
    return "error";
  }
}
