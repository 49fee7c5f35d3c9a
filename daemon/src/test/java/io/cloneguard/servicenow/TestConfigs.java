package io.cloneguard.servicenow;

import io.cloneguard.config.AuthConfig;
import io.cloneguard.config.HttpConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.Policy;
import io.cloneguard.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/** Configs and canned responses for client tests. */
final class TestConfigs {
  static final String USER = "cg.integration";
  static final String PASSWORD = "Pa55-w0rd-never-printed";
  static final String CLIENT_SECRET = "client-secret-never-printed";

  private TestConfigs() {}

  static InstanceConfig basic(MockWebServer server) {
    return new InstanceConfig("dev", URI.create(server.url("/").toString()), AuthConfig.basic(USER, Secret.of(PASSWORD)),
        false, true, Policy.RESTORE, List.of("mid_server"));
  }

  static InstanceConfig oauth(MockWebServer server, String username) {
    return new InstanceConfig("dev", URI.create(server.url("/").toString()),
        AuthConfig.oauth("cg-client", Secret.of(CLIENT_SECRET), username, username == null ? null : Secret.of(PASSWORD)),
        false, true, Policy.RESTORE, List.of("mid_server"));
  }

  static HttpConfig http(int concurrency, int pageSize, int maxRetries) {
    return new HttpConfig(concurrency, pageSize, Duration.ofSeconds(2), Duration.ofSeconds(5), 0, null, null, null,
        maxRetries, Duration.ofSeconds(30));
  }

  static HttpConfig withTimeout(HttpConfig h, Duration requestTimeout) {
    return new HttpConfig(h.concurrency(), h.pageSize(), h.connectTimeout(), requestTimeout, h.maxRequestsPerSecond(),
        h.proxy(), h.trustStore(), h.trustStorePassword(), h.maxRetries(), h.maxRetryAfter());
  }

  static HttpConfig withRate(HttpConfig h, double perSecond) {
    return new HttpConfig(h.concurrency(), h.pageSize(), h.connectTimeout(), h.requestTimeout(), perSecond,
        h.proxy(), h.trustStore(), h.trustStorePassword(), h.maxRetries(), h.maxRetryAfter());
  }

  static HttpConfig withMaxRetryAfter(HttpConfig h, Duration cap) {
    return new HttpConfig(h.concurrency(), h.pageSize(), h.connectTimeout(), h.requestTimeout(), h.maxRequestsPerSecond(),
        h.proxy(), h.trustStore(), h.trustStorePassword(), h.maxRetries(), cap);
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json;charset=UTF-8").body(body).build();
  }

  static MockResponse json(String body) {
    return json(200, body);
  }

  static MockResponse error(int code, String message) {
    return json(code, "{\"error\":{\"message\":\"" + message + "\",\"detail\":null},\"status\":\"failure\"}");
  }
}
