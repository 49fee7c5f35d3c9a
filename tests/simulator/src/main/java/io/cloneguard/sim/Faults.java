package io.cloneguard.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Faults injected into one instance's API, optionally for one table only: latency with jitter,
 * error statuses for the next N requests, 429 by a requests-per-second budget or for the next N
 * requests, connection resets, slow bodies, HTML instead of JSON, 401 for a while. Control
 * endpoints under /sim/ are never affected. Thread-safe; {@link #clear()} removes everything.
 */
public final class Faults {
  private static final String ANY = "*";

  enum Kind { STATUS, RESET, HTML, SLOW, RATE_LIMITED }

  /** What to do to one request. */
  record Action(Kind kind, int status, int retryAfterSeconds, Duration slowBody) {}

  private static final class Rule {
    final String table;
    final Action action;
    int remaining;

    Rule(String table, Action action, int remaining) {
      this.table = table;
      this.action = action;
      this.remaining = remaining;
    }
  }

  private record Latency(Duration fixed, Duration jitter) {}

  private record Budget(int perSecond, int retryAfterSeconds) {}

  private final Clock clock;
  private final Map<String, Latency> latency = new ConcurrentHashMap<>();
  private final List<Rule> rules = new ArrayList<>();
  private volatile Budget budget;
  private long windowSecond = -1;
  private int windowCount;
  private volatile Instant unauthorizedUntil = Instant.MIN;

  Faults(Clock clock) {
    this.clock = clock;
  }

  /** Every request waits {@code fixed} plus a uniformly random part of {@code jitter}. */
  public Faults latency(Duration fixed, Duration jitter) {
    latency.put(ANY, new Latency(fixed, jitter));
    return this;
  }

  public Faults latency(String table, Duration fixed, Duration jitter) {
    latency.put(table, new Latency(fixed, jitter));
    return this;
  }

  /** The next {@code count} requests answer {@code status} (JSON error envelope; 502/503 as an HTML page, like a proxy). */
  public Faults failNext(int status, int count) {
    return add(ANY, new Action(Kind.STATUS, status, 0, null), count);
  }

  public Faults failNext(String table, int status, int count) {
    return add(table, new Action(Kind.STATUS, status, 0, null), count);
  }

  /** Requests beyond {@code requestsPerSecond} in one second get 429 with {@code Retry-After}. */
  public Faults rateLimit(int requestsPerSecond, int retryAfterSeconds) {
    if (requestsPerSecond < 1) {
      throw new IllegalArgumentException("rateLimit: requestsPerSecond must be at least 1, got " + requestsPerSecond);
    }
    budget = new Budget(requestsPerSecond, retryAfterSeconds);
    return this;
  }

  /** The next {@code count} requests get 429 with {@code Retry-After: retryAfterSeconds}. */
  public Faults rateLimitNext(int count, int retryAfterSeconds) {
    return add(ANY, new Action(Kind.RATE_LIMITED, 429, retryAfterSeconds, null), count);
  }

  public Faults rateLimitNext(String table, int count, int retryAfterSeconds) {
    return add(table, new Action(Kind.RATE_LIMITED, 429, retryAfterSeconds, null), count);
  }

  /** The next {@code count} requests have their connection closed without any response. */
  public Faults resetNext(int count) {
    return add(ANY, new Action(Kind.RESET, 0, 0, null), count);
  }

  public Faults resetNext(String table, int count) {
    return add(table, new Action(Kind.RESET, 0, 0, null), count);
  }

  /** The next {@code count} requests get a 200 HTML page instead of JSON (as a login redirect or proxy would). */
  public Faults htmlNext(int count) {
    return add(ANY, new Action(Kind.HTML, 200, 0, null), count);
  }

  public Faults htmlNext(String table, int count) {
    return add(table, new Action(Kind.HTML, 200, 0, null), count);
  }

  /** The next {@code count} responses send their body in small pieces spread over {@code total}. */
  public Faults slowBodyNext(int count, Duration total) {
    return add(ANY, new Action(Kind.SLOW, 200, 0, total), count);
  }

  public Faults slowBodyNext(String table, int count, Duration total) {
    return add(table, new Action(Kind.SLOW, 200, 0, total), count);
  }

  /** Every authenticated request gets 401 for this long (as when an account is locked out for a while). */
  public Faults unauthorizedFor(Duration duration) {
    unauthorizedUntil = clock.instant().plus(duration);
    return this;
  }

  /** Removes every fault. */
  public Faults clear() {
    latency.clear();
    synchronized (rules) {
      rules.clear();
    }
    budget = null;
    unauthorizedUntil = Instant.MIN;
    return this;
  }

  private Faults add(String table, Action action, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("fault count must be >= 0, got " + count);
    }
    if (count > 0) {
      synchronized (rules) {
        rules.add(new Rule(table, action, count));
      }
    }
    return this;
  }

  // ---- used by the server ----------------------------------------------------------------

  Duration delayFor(String table) {
    Latency l = latency.getOrDefault(table, latency.get(ANY));
    if (l == null) {
      return Duration.ZERO;
    }
    long jitterNanos = l.jitter().toNanos();
    long extra = jitterNanos <= 0 ? 0 : ThreadLocalRandom.current().nextLong(jitterNanos + 1);
    return l.fixed().plusNanos(extra);
  }

  boolean unauthorized() {
    return clock.instant().isBefore(unauthorizedUntil);
  }

  /** The fault for this request, consuming one use of it, or null. */
  Action next(String table) {
    synchronized (rules) {
      for (int i = 0; i < rules.size(); i++) {
        Rule r = rules.get(i);
        if (r.table.equals(ANY) || r.table.equals(table)) {
          if (r.remaining != Integer.MAX_VALUE) {
            r.remaining--;
          }
          if (r.remaining <= 0) {
            rules.remove(i);
          }
          return r.action;
        }
      }
      Budget b = budget;
      if (b != null) {
        long second = clock.millis() / 1000;
        if (second != windowSecond) {
          windowSecond = second;
          windowCount = 0;
        }
        if (++windowCount > b.perSecond()) {
          return new Action(Kind.RATE_LIMITED, 429, b.retryAfterSeconds(), null);
        }
      }
      return null;
    }
  }

  /** The X-RateLimit-Limit to report, or 0 without a budget. */
  int budgetPerSecond() {
    Budget b = budget;
    return b == null ? 0 : b.perSecond();
  }
}
