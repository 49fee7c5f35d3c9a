package io.cloneguard.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultsTest {
  MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  Simulator sim;
  SimInstance dev;
  Api api;

  @BeforeEach
  void start() {
    sim = Simulator.builder().instances("dev").clock(clock).start();
    dev = sim.instance("dev");
    api = Api.admin(dev);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private int status(String table) {
    return api.get("/api/now/table/" + table + "?sysparm_limit=1").status();
  }

  @Test
  void latencyIsRealTime() {
    dev.faults().latency(Duration.ofMillis(120), Duration.ZERO);
    long t0 = System.nanoTime();
    assertThat(status("sys_user")).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(120));
  }

  @Test
  void failNextAnswersTheStatusThatManyTimesThenRecovers() {
    dev.faults().failNext(503, 2);
    Api.Reply first = api.get("/api/now/table/sys_user");
    assertThat(first.status()).isEqualTo(503);
    assertThat(first.header("Content-Type")).startsWith("text/html");
    assertThat(status("sys_user")).isEqualTo(503);
    assertThat(status("sys_user")).isEqualTo(200);
    dev.faults().failNext(500, 1);
    Api.Reply r = api.get("/api/now/table/sys_user");
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.json().get("status").asText()).isEqualTo("failure");
    dev.faults().failNext(502, 1);
    assertThat(status("sys_user")).isEqualTo(502);
  }

  @Test
  void perTableFaultHitsOnlyThatTable() {
    dev.faults().failNext("sys_user_grmember", 403, Integer.MAX_VALUE);
    for (int i = 0; i < 3; i++) {
      assertThat(status("sys_user_grmember")).isEqualTo(403);
    }
    assertThat(status("sys_user")).isEqualTo(200);
    dev.faults().clear();
    assertThat(status("sys_user_grmember")).isEqualTo(200);
  }

  @Test
  void rateLimitBudgetAnswers429WithRetryAfter() {
    dev.faults().rateLimit(2, 7);
    assertThat(status("sys_user")).isEqualTo(200);
    assertThat(status("sys_user")).isEqualTo(200);
    Api.Reply limited = api.get("/api/now/table/sys_user");
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.header("Retry-After")).isEqualTo("7");
    assertThat(limited.header("X-RateLimit-Limit")).isEqualTo("2");
    assertThat(limited.json().get("error").get("message").asText()).isEqualTo("Too Many Requests");
    clock.advance(Duration.ofSeconds(1));
    assertThat(status("sys_user")).isEqualTo(200);
  }

  @Test
  void rateLimitNextAnswers429ForTheNextRequests() {
    dev.faults().rateLimitNext(1, 3);
    Api.Reply r = api.get("/api/now/table/sys_user");
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.header("Retry-After")).isEqualTo("3");
    assertThat(status("sys_user")).isEqualTo(200);
  }

  @Test
  void resetClosesTheConnectionWithoutAnswer() {
    // the JDK client retries an idempotent request once on a closed connection, so two resets make it fail
    dev.faults().resetNext(2);
    assertThatThrownBy(() -> api.get("/api/now/table/sys_user")).isInstanceOf(UncheckedIOException.class);
    assertThat(status("sys_user")).isEqualTo(200);
    assertThat(dev.requestLog().withStatus(0)).isEqualTo(2);
  }

  @Test
  void htmlInsteadOfJson() {
    dev.faults().htmlNext(1);
    Api.Reply r = api.get("/api/now/table/sys_user");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/html");
    assertThat(r.body()).startsWith("<!DOCTYPE html>");
  }

  @Test
  void slowBodyArrivesWholeButLate() {
    dev.faults().slowBodyNext(1, Duration.ofMillis(300));
    long t0 = System.nanoTime();
    Api.Reply r = api.get("/api/now/table/sys_user");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    assertThat(r.result().size()).isEqualTo(dev.count("sys_user", ""));
  }

  @Test
  void unauthorizedForAWhile() {
    dev.faults().unauthorizedFor(Duration.ofSeconds(30));
    assertThat(status("sys_user")).isEqualTo(401);
    clock.advance(Duration.ofSeconds(31));
    assertThat(status("sys_user")).isEqualTo(200);
  }

  @Test
  void controlEndpointsAreNeverFaultedNorLogged() {
    dev.faults().failNext(500, 100);
    assertThat(api.get("/sim/log").status()).isEqualTo(200);
    assertThat(dev.requestLog().total()).isZero();
  }
}
