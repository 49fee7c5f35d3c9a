package io.cloneguard.servicenow;

import io.cloneguard.config.SecretMask;

/**
 * Something went wrong talking to an instance. Unchecked; every subtype names the instance, the
 * table (or {@code null} when the call was not about one) and the HTTP status (0 when there was
 * no response). Messages never contain a credential.
 */
public class ServiceNowException extends RuntimeException {
  private final String instance;
  private final String table;
  private final int status;

  public ServiceNowException(String instance, String table, int status, String message, Throwable cause) {
    // Masked here as a last line of defence: every subtype's message passes through.
    super(SecretMask.mask(message), cause);
    this.instance = instance;
    this.table = table;
    this.status = status;
  }

  public String instance() {
    return instance;
  }

  public String table() {
    return table;
  }

  public int status() {
    return status;
  }

  /** No TCP connection, TLS failure, timeout, or the circuit breaker is open. */
  public static final class Unreachable extends ServiceNowException {
    public Unreachable(String instance, String table, String message, Throwable cause) {
      super(instance, table, 0, message, cause);
    }
  }

  /** 503 or the HTML maintenance page: the instance is being cloned or upgraded. Retry later. */
  public static final class Unavailable extends ServiceNowException {
    public Unavailable(String instance, String table, int status, String message) {
      super(instance, table, status, message, null);
    }
  }

  /** 401 even after a fresh login. After a clone this usually means the account was wiped. */
  public static final class AuthenticationFailed extends ServiceNowException {
    public AuthenticationFailed(String instance, String table, String message) {
      super(instance, table, 401, message, null);
    }
  }

  /** 403: an ACL, business rule or data policy refused the operation. */
  public static final class Forbidden extends ServiceNowException {
    public Forbidden(String instance, String table, String message) {
      super(instance, table, 403, message, null);
    }
  }

  /** 404 on a single record or an unknown table. */
  public static final class NotFound extends ServiceNowException {
    public NotFound(String instance, String table, String message) {
      super(instance, table, 404, message, null);
    }
  }

  /** 429 after the retries were used up. */
  public static final class RateLimited extends ServiceNowException {
    public RateLimited(String instance, String table, String message) {
      super(instance, table, 429, message, null);
    }
  }

  /** 400 or 5xx other than 503 that retries did not cure. */
  public static final class ServerError extends ServiceNowException {
    public ServerError(String instance, String table, int status, String message) {
      super(instance, table, status, message, null);
    }
  }

  /** The body was not the JSON the Table API promises (HTML, truncated, wrong shape). */
  public static final class InvalidResponse extends ServiceNowException {
    public InvalidResponse(String instance, String table, int status, String message, Throwable cause) {
      super(instance, table, status, message, cause);
    }
  }

  /** A returned row did not satisfy the query's guard: the encoded query was probably ignored in part. */
  public static final class UnexpectedRow extends ServiceNowException {
    public UnexpectedRow(String instance, String table, String message) {
      super(instance, table, 200, message, null);
    }
  }
}
