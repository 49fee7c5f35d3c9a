package io.cloneguard.servicenow;

import static io.cloneguard.servicenow.TestConfigs.error;
import static io.cloneguard.servicenow.TestConfigs.http;
import static io.cloneguard.servicenow.TestConfigs.json;
import static io.cloneguard.servicenow.TestConfigs.oauth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

class OAuthTest {
  private static final String COUNT_OK = "{\"result\":{\"stats\":{\"count\":\"3\"}}}";

  @StartStop final MockWebServer server = new MockWebServer();
  private final FakeTime time = new FakeTime();

  /** Issues token-1, token-2, ... and accepts only the newest one unless told otherwise. */
  private final class Instance extends Dispatcher {
    final AtomicInteger issued = new AtomicInteger();
    final List<String> grants = new CopyOnWriteArrayList<>();
    final List<String> bearers = new CopyOnWriteArrayList<>();
    volatile int rejectApiCalls;
    volatile boolean refuseTokens;
    volatile long tokenDelayMs;

    @Override
    public MockResponse dispatch(RecordedRequest r) throws InterruptedException {
      if (r.getUrl().encodedPath().equals("/oauth_token.do")) {
        String body = r.getBody().utf8();
        grants.add(body.replaceAll(".*grant_type=([a-z_]+).*", "$1"));
        if (tokenDelayMs > 0) {
          Thread.sleep(tokenDelayMs); // widens the window in which other threads ask for a token
        }
        if (refuseTokens) {
          return json(401, "{\"error\":\"access_denied\",\"error_description\":\"access_denied\"}");
        }
        int n = issued.incrementAndGet();
        return json("{\"access_token\":\"token-" + n + "-xyzzy\",\"refresh_token\":\"refresh-" + n + "-plugh\","
            + "\"scope\":\"useraccount\",\"token_type\":\"Bearer\",\"expires_in\":1799}");
      }
      bearers.add(r.getHeaders().get("Authorization"));
      if (rejectApiCalls > 0) {
        rejectApiCalls--;
        return error(401, "User Not Authenticated");
      }
      return json(COUNT_OK);
    }
  }

  private final Instance instance = new Instance();

  private ServiceNowClient client(String username) {
    server.setDispatcher(instance);
    return ServiceNowClients.create(oauth(server, username), http(4, 10, 2), new SimpleMeterRegistry(), time.runtime());
  }

  @Test
  void passwordGrantTokenIsFetchedOnceAndReused() throws Exception {
    try (ServiceNowClient c = client(TestConfigs.USER)) {
      c.count("sys_user", "");
      c.count("sys_user", "");
    }
    assertThat(instance.grants).containsExactly("password");
    assertThat(instance.bearers).containsExactly("Bearer token-1-xyzzy", "Bearer token-1-xyzzy");
    RecordedRequest token = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(token.getMethod()).isEqualTo("POST");
    assertThat(token.getHeaders().get("Content-Type")).startsWith("application/x-www-form-urlencoded");
    assertThat(token.getBody().utf8()).contains("client_id=cg-client").contains("username=cg.integration");
  }

  @Test
  void clientCredentialsGrantWhenNoUsernameIsConfigured() {
    try (ServiceNowClient c = client(null)) {
      c.count("sys_user", "");
    }
    assertThat(instance.grants).containsExactly("client_credentials");
  }

  @Test
  void tokenIsRefreshedShortlyBeforeItExpires() {
    try (ServiceNowClient c = client(TestConfigs.USER)) {
      c.count("sys_user", "");
      time.advance(Duration.ofSeconds(1700)); // 99 s before expiry: still good
      c.count("sys_user", "");
      time.advance(Duration.ofSeconds(60)); // within the last minute: renew first
      c.count("sys_user", "");
    }
    assertThat(instance.grants).containsExactly("password", "refresh_token");
    assertThat(instance.bearers).containsExactly("Bearer token-1-xyzzy", "Bearer token-1-xyzzy", "Bearer token-2-xyzzy");
  }

  @Test
  void a401IsRetriedOnceWithAFreshToken() {
    try (ServiceNowClient c = client(TestConfigs.USER)) {
      c.count("sys_user", "");
      instance.rejectApiCalls = 1; // token revoked on the instance
      assertThat(c.count("sys_user", "")).isEqualTo(3);
    }
    assertThat(instance.bearers).containsExactly("Bearer token-1-xyzzy", "Bearer token-1-xyzzy", "Bearer token-2-xyzzy");
  }

  @Test
  void a401WithTheFreshTokenTooIsAnAuthenticationFailure() {
    try (ServiceNowClient c = client(TestConfigs.USER)) {
      instance.rejectApiCalls = 2;
      assertThatThrownBy(() -> c.count("sys_user", ""))
          .isInstanceOf(ServiceNowException.AuthenticationFailed.class).hasMessageContaining("clone");
    }
    assertThat(instance.bearers).hasSize(2);
  }

  @Test
  void refusedTokenRequestIsAnAuthenticationFailureNamingTheGrant() {
    instance.refuseTokens = true;
    try (ServiceNowClient c = client(TestConfigs.USER)) {
      assertThatThrownBy(() -> c.count("sys_user", ""))
          .isInstanceOf(ServiceNowException.AuthenticationFailed.class)
          .hasMessageContaining("dev").hasMessageContaining("password grant").hasMessageContaining("clone");
    }
    assertThat(instance.bearers).isEmpty();
  }

  @Test
  void concurrentCallersShareOneTokenRequest() throws Exception {
    instance.tokenDelayMs = 150;
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try (ServiceNowClient c = client(TestConfigs.USER)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Long>> calls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        calls.add(threads.submit(() -> {
          start.await();
          return c.count("sys_user", "");
        }));
      }
      start.countDown();
      for (Future<Long> f : calls) {
        assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(3);
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(instance.grants).containsExactly("password");
    assertThat(instance.bearers).hasSize(4).containsOnly("Bearer token-1-xyzzy");
  }
}
