package io.cloneguard.servicenow;

import static io.cloneguard.servicenow.TestConfigs.basic;
import static io.cloneguard.servicenow.TestConfigs.error;
import static io.cloneguard.servicenow.TestConfigs.http;
import static io.cloneguard.servicenow.TestConfigs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloneguard.config.HttpConfig;
import io.cloneguard.config.InstanceConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

class ResilienceTest {
  private static final String MAINTENANCE_PAGE = "<html><head><title>ServiceNow - Maintenance</title></head>"
      + "<body><h1>This instance is currently undergoing maintenance</h1></body></html>";

  @StartStop final MockWebServer server = new MockWebServer();
  private final FakeTime time = new FakeTime();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private ServiceNowClient client(HttpConfig http) {
    return ServiceNowClients.create(basic(server), http, registry, time.runtime());
  }

  private static final String COUNT_OK = "{\"result\":{\"stats\":{\"count\":\"3\"}}}";

  @Test
  void retryHonoursRetryAfterThroughTheInjectedSleeper() {
    server.enqueue(error(429, "Too Many Requests").newBuilder().setHeader("Retry-After", "7").build());
    server.enqueue(json(COUNT_OK));
    try (ServiceNowClient c = client(http(1, 10, 3))) {
      assertThat(c.count("sys_user", "")).isEqualTo(3);
      assertThat(registry.counter(ClientMetrics.RETRIES, "instance", "dev", "table", "sys_user", "reason", "rate_limited").count()).isEqualTo(1);
    }
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void retryAfterIsCappedByMaxRetryAfter() {
    server.enqueue(error(503, "Service Unavailable").newBuilder().setHeader("Retry-After", "3600").build());
    server.enqueue(json(COUNT_OK));
    try (ServiceNowClient c = client(TestConfigs.withMaxRetryAfter(http(1, 10, 3), Duration.ofSeconds(20)))) {
      c.count("sys_user", "");
    }
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(20));
  }

  @Test
  void backsOffExponentiallyWithJitterWithoutRetryAfter() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(error(502, "Bad Gateway"));
    }
    server.enqueue(json(COUNT_OK));
    try (ServiceNowClient c = client(http(1, 10, 3))) {
      assertThat(c.count("sys_user", "")).isEqualTo(3);
    }
    List<Duration> sleeps = time.sleeps();
    assertThat(sleeps).hasSize(3);
    // 500 ms doubling per attempt, each randomised to 50..150 %.
    assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(250), Duration.ofMillis(750));
    assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1500));
    assertThat(sleeps.get(2)).isBetween(Duration.ofMillis(1000), Duration.ofMillis(3000));
  }

  @Test
  void givesUpAfterMaxRetriesWithTheLastError() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(error(503, "Service Unavailable"));
    }
    try (ServiceNowClient c = client(http(1, 10, 2))) {
      assertThatThrownBy(() -> c.count("sys_user", ""))
          .isInstanceOf(ServiceNowException.Unavailable.class)
          .hasMessageContaining("dev").hasMessageContaining("sys_user").hasMessageContaining("503");
    }
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void maintenancePageIsUnavailableAndRetried() {
    for (int i = 0; i < 2; i++) {
      server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/html").body(MAINTENANCE_PAGE).build());
    }
    server.enqueue(new MockResponse.Builder().code(503).setHeader("Content-Type", "text/html").body(MAINTENANCE_PAGE).build());
    try (ServiceNowClient c = client(http(1, 10, 2))) {
      assertThatThrownBy(() -> c.list(TableQuery.of("sys_user", "")))
          .isInstanceOf(ServiceNowException.Unavailable.class)
          .satisfies(e -> assertThat(((ServiceNowException) e).instance()).isEqualTo("dev"))
          .satisfies(e -> assertThat(((ServiceNowException) e).table()).isEqualTo("sys_user"));
    }
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void maintenancePageFollowedByRecoveryReadsNormally() {
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/html; charset=UTF-8").body(MAINTENANCE_PAGE).build());
    server.enqueue(json("{\"result\":[{\"sys_id\":\"a\"}]}"));
    try (ServiceNowClient c = client(http(1, 10, 2))) {
      assertThat(c.list(TableQuery.of("sys_user", ""))).hasSize(1);
    }
  }

  @Test
  void loginPageIsAnInvalidResponseAndNotRetried() {
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/html")
        .body("<html><title>Log in | ServiceNow</title><form>user_name</form></html>").build());
    try (ServiceNowClient c = client(http(1, 10, 3))) {
      assertThatThrownBy(() -> c.count("sys_user", ""))
          .isInstanceOf(ServiceNowException.InvalidResponse.class)
          .hasMessageContaining("text/html").hasMessageContaining("Log in");
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void serverErrorIsNotRetried() {
    server.enqueue(error(500, "Internal error"));
    try (ServiceNowClient c = client(http(1, 10, 3))) {
      assertThatThrownBy(() -> c.count("sys_user", ""))
          .isInstanceOf(ServiceNowException.ServerError.class).hasMessageContaining("500").hasMessageContaining("Internal error");
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void forbiddenNamesTableAndOperation() {
    server.enqueue(error(403, "Operation Failed: ACL restricts the record"));
    try (ServiceNowClient c = client(http(1, 10, 3))) {
      assertThatThrownBy(() -> c.patch("sys_user_has_role", "r1", java.util.Map.of("state", "active")))
          .isInstanceOf(ServiceNowException.Forbidden.class)
          .hasMessageContaining("PATCH").hasMessageContaining("sys_user_has_role").hasMessageContaining("ACL restricts");
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void basicAuth401IsAnAuthenticationFailureHintingAtAClone() {
    server.enqueue(error(401, "User Not Authenticated").newBuilder().setHeader("WWW-Authenticate", "BASIC realm=\"Service-now\"").build());
    try (ServiceNowClient c = client(http(1, 10, 3))) {
      assertThatThrownBy(() -> c.count("sys_user", ""))
          .isInstanceOf(ServiceNowException.AuthenticationFailed.class)
          .hasMessageContaining("dev").hasMessageContaining("401").hasMessageContaining("clone");
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void malformedJsonIsAnInvalidResponse() {
    server.enqueue(json("{\"result\":[{\"sys_id\":\"a\",}]}"));
    try (ServiceNowClient c = client(http(1, 10, 3))) {
      assertThatThrownBy(() -> c.list(TableQuery.of("sys_user", "")))
          .isInstanceOf(ServiceNowException.InvalidResponse.class).hasMessageContaining("sys_user").hasMessageContaining("JSON");
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void truncatedJsonIsAnInvalidResponse() {
    server.enqueue(json("{\"result\":[{\"sys_id\":\"a\"},{\"sys_id\":\"b\""));
    try (ServiceNowClient c = client(http(1, 10, 3))) {
      assertThatThrownBy(() -> c.list(TableQuery.of("sys_user", "")))
          .isInstanceOf(ServiceNowException.InvalidResponse.class).hasMessageContaining("truncated");
    }
  }

  @Test
  void wrongEnvelopeIsAnInvalidResponse() {
    server.enqueue(json("{\"records\":[]}"));
    try (ServiceNowClient c = client(http(1, 10, 3))) {
      assertThatThrownBy(() -> c.list(TableQuery.of("sys_user", "")))
          .isInstanceOf(ServiceNowException.InvalidResponse.class).hasMessageContaining("result");
    }
  }

  @Test
  void connectionDroppedMidBodyIsRetried() {
    StringBuilder big = new StringBuilder("{\"result\":[");
    for (int i = 0; i < 2000; i++) {
      big.append(i == 0 ? "" : ",").append("{\"sys_id\":\"").append(String.format("%032x", i)).append("\"}");
    }
    big.append("]}");
    server.enqueue(json(big.toString()).newBuilder().onResponseBody(new SocketEffect.CloseSocket(true, false, false)).build());
    server.enqueue(json(big.toString()));
    try (ServiceNowClient c = client(http(1, 5000, 2))) {
      assertThat(c.list(TableQuery.of("sys_user", ""))).hasSize(2000);
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(time.sleeps()).hasSize(1);
  }

  @Test
  void slowResponseIsATimeoutNamingTheSetting() {
    server.enqueue(json(COUNT_OK).newBuilder().headersDelay(3, TimeUnit.SECONDS).build());
    HttpConfig h = TestConfigs.withTimeout(http(1, 10, 0), Duration.ofMillis(250));
    try (ServiceNowClient c = client(h)) {
      assertThatThrownBy(() -> c.count("sys_user", ""))
          .isInstanceOf(ServiceNowException.Unreachable.class)
          .hasMessageContaining("250 ms").hasMessageContaining("http.requestTimeout");
    }
  }

  @Test
  void refusedConnectionIsUnreachableAfterRetries() throws Exception {
    MockWebServer closed = new MockWebServer();
    closed.start();
    URI url = URI.create(closed.url("/").toString());
    closed.close();
    InstanceConfig cfg = new InstanceConfig("dev", url, basic(server).auth(), false, true, basic(server).policy(), List.of("mid_server"));
    try (ServiceNowClient c = ServiceNowClients.create(cfg, http(1, 10, 2), registry, time.runtime())) {
      assertThatThrownBy(() -> c.count("sys_user", ""))
          .isInstanceOf(ServiceNowException.Unreachable.class).hasMessageContaining("cannot connect");
    }
    assertThat(time.sleeps()).hasSize(2);
  }

  @Test
  void openCircuitFailsFastWithoutSendingAndLetsAProbeThroughLater() {
    for (int i = 0; i < 4; i++) {
      server.enqueue(error(503, "Service Unavailable"));
    }
    ClientRuntime runtime = time.runtime().withBreaker(4, 4, Duration.ofSeconds(30));
    try (ServiceNowClient c = ServiceNowClients.create(basic(server), http(1, 10, 0), registry, runtime)) {
      for (int i = 0; i < 4; i++) {
        assertThatThrownBy(() -> c.count("sys_user", "")).isInstanceOf(ServiceNowException.Unavailable.class);
      }
      assertThatThrownBy(() -> c.count("sys_user", ""))
          .isInstanceOf(ServiceNowException.Unreachable.class).hasMessageContaining("circuit breaker is open");
      assertThat(server.getRequestCount()).isEqualTo(4);

      time.advance(Duration.ofSeconds(31));
      server.enqueue(json(COUNT_OK));
      assertThat(c.count("sys_user", "")).isEqualTo(3);
      assertThat(server.getRequestCount()).isEqualTo(5);
    }
  }

  @Test
  void rateLimiterSpacesRequestsAndCountsTheWaits() {
    for (int i = 0; i < 5; i++) {
      server.enqueue(json(COUNT_OK));
    }
    try (ServiceNowClient c = client(TestConfigs.withRate(http(1, 10, 0), 10))) {
      for (int i = 0; i < 5; i++) {
        c.count("sys_user", "");
      }
      assertThat(registry.counter(ClientMetrics.RATE_LIMIT_WAITS, "instance", "dev").count()).isEqualTo(4);
    }
    // Fake time only moves when the client waits, so four of five requests waited ~100 ms each.
    assertThat(time.sleeps()).hasSize(4).allSatisfy(d -> assertThat(d).isBetween(Duration.ofMillis(1), Duration.ofMillis(100)));
    assertThat(time.sleeps().stream().mapToLong(Duration::toMillis).sum()).isBetween(300L, 400L);
  }
}
