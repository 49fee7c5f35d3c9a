package io.cloneguard.servicenow;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The client's own meters. Prometheus renders them as {@code cloneguard_http_requests_seconds}
 * (count/sum/max), {@code cloneguard_http_retries_total} and
 * {@code cloneguard_http_rate_limit_waits_total}. Meters are removed again on close, so a
 * reloaded configuration does not leave stale series behind.
 */
final class ClientMetrics {
  static final String REQUESTS = "cloneguard.http.requests";
  static final String RETRIES = "cloneguard.http.retries";
  static final String RATE_LIMIT_WAITS = "cloneguard.http.rate.limit.waits";

  private final MeterRegistry registry;
  private final String instance;
  private final Set<Meter.Id> created = ConcurrentHashMap.newKeySet();

  ClientMetrics(MeterRegistry registry, String instance) {
    this.registry = registry;
    this.instance = instance;
  }

  /** One HTTP exchange; {@code outcome} is success or the failure kind (not_found, unavailable, ...). */
  void request(String table, String method, String outcome, long nanos) {
    Timer timer = Timer.builder(REQUESTS)
        .description("ServiceNow HTTP requests, one per attempt")
        .tag("instance", instance)
        .tag("table", table == null ? "" : table)
        .tag("method", method)
        .tag("outcome", outcome)
        .register(registry);
    created.add(timer.getId());
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  void retry(String table, String reason) {
    Counter c = Counter.builder(RETRIES)
        .description("ServiceNow requests sent again after a transient failure")
        .tag("instance", instance)
        .tag("table", table == null ? "" : table)
        .tag("reason", reason)
        .register(registry);
    created.add(c.getId());
    c.increment();
  }

  void rateLimitWait() {
    Counter c = Counter.builder(RATE_LIMIT_WAITS)
        .description("ServiceNow requests that waited for the client-side rate limiter (http.maxRequestsPerSecond)")
        .tag("instance", instance)
        .register(registry);
    created.add(c.getId());
    c.increment();
  }

  void close() {
    created.forEach(registry::remove);
    // resilience4j-micrometer tags its meters with name=<breaker name> = the instance name.
    registry.getMeters().stream()
        .filter(m -> m.getId().getName().startsWith("resilience4j.") && instance.equals(m.getId().getTag("name")))
        .forEach(registry::remove);
  }
}
