package io.cloneguard.servicenow;

import static io.cloneguard.servicenow.TestConfigs.basic;
import static io.cloneguard.servicenow.TestConfigs.error;
import static io.cloneguard.servicenow.TestConfigs.http;
import static io.cloneguard.servicenow.TestConfigs.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @StartStop final MockWebServer server = new MockWebServer();
  private final FakeTime time = new FakeTime();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Test
  void prometheusShowsRequestTimerRetriesAndBreakerState() {
    server.enqueue(error(429, "Too Many Requests").newBuilder().setHeader("Retry-After", "1").build());
    server.enqueue(json("{\"result\":[{\"sys_id\":\"a\"}]}"));
    server.enqueue(error(404, "No Record found"));
    String scrape;
    try (ServiceNowClient c = ServiceNowClients.create(basic(server), http(1, 10, 2), registry, time.runtime())) {
      c.list(TableQuery.of("sys_user", ""));
      c.get("sys_user", "missing", List.of());
      scrape = registry.scrape();
    }
    assertThat(scrape)
        .contains("cloneguard_http_requests_seconds_count{instance=\"dev\",method=\"GET\",outcome=\"success\",table=\"sys_user\"} 1")
        .contains("cloneguard_http_requests_seconds_count{instance=\"dev\",method=\"GET\",outcome=\"rate_limited\",table=\"sys_user\"} 1")
        .contains("cloneguard_http_requests_seconds_count{instance=\"dev\",method=\"GET\",outcome=\"not_found\",table=\"sys_user\"} 1")
        .contains("cloneguard_http_retries_total{instance=\"dev\",reason=\"rate_limited\",table=\"sys_user\"} 1")
        .containsPattern("resilience4j_circuitbreaker_state\\{name=\"dev\",state=\"closed\"} 1");
  }

  @Test
  void closingTheClientRemovesItsMeters() {
    server.enqueue(json("{\"result\":{\"stats\":{\"count\":\"1\"}}}"));
    try (ServiceNowClient c = ServiceNowClients.create(basic(server), http(1, 10, 2), registry, time.runtime())) {
      c.count("sys_user", "");
    }
    assertThat(registry.getMeters()).noneMatch(m -> "dev".equals(m.getId().getTag("instance")) || "dev".equals(m.getId().getTag("name")));
  }
}
