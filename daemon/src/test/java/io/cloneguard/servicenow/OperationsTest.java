package io.cloneguard.servicenow;

import static io.cloneguard.servicenow.TestConfigs.basic;
import static io.cloneguard.servicenow.TestConfigs.error;
import static io.cloneguard.servicenow.TestConfigs.http;
import static io.cloneguard.servicenow.TestConfigs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloneguard.config.Secret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

class OperationsTest {
  @StartStop final MockWebServer server = new MockWebServer();
  private final FakeTime time = new FakeTime();

  private ServiceNowClient client() {
    return ServiceNowClients.create(basic(server), http(2, 100, 2), new SimpleMeterRegistry(), time.runtime());
  }

  private RecordedRequest next() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r).as("request sent").isNotNull();
    return r;
  }

  @Test
  void sendsPreemptiveBasicAuthUserAgentAndAcceptJson() throws Exception {
    server.enqueue(json("{\"result\":{\"sys_id\":\"u1\",\"user_name\":\"mid.dev\"}}"));
    try (ServiceNowClient c = client()) {
      c.get("sys_user", "u1", List.of("user_name"));
    }
    RecordedRequest r = next();
    String expected = "Basic " + Base64.getEncoder().encodeToString(
        (TestConfigs.USER + ":" + TestConfigs.PASSWORD).getBytes(StandardCharsets.UTF_8));
    assertThat(r.getHeaders().get("Authorization")).isEqualTo(expected);
    assertThat(r.getHeaders().get("User-Agent")).matches("CloneGuard/[0-9A-Za-z.\\-]+");
    assertThat(r.getHeaders().get("Accept")).isEqualTo("application/json");
  }

  @Test
  void readsAPageWhoseLinkHeaderEchoesALongInListBeyondEightKilobytes() throws Exception {
    String longQuery = "sys_idIN" + "0123456789abcdef0123456789abcdef,".repeat(400);
    String link = ("<" + server.url("/api/now/table/sys_user?sysparm_query=" + longQuery) + ">;rel=\"first\",").repeat(4);
    server.enqueue(json("{\"result\":[{\"sys_id\":\"u1\"}]}").newBuilder()
        .setHeader("Link", link)
        .setHeader("X-Total-Count", "1")
        .build());
    try (ServiceNowClient c = client()) {
      assertThat(c.list(TableQuery.of("sys_user", longQuery))).extracting(Record::sysId).containsExactly("u1");
    }
  }

  @Test
  void getReturnsTheRecordOrEmptyOn404() throws Exception {
    server.enqueue(json("{\"result\":{\"sys_id\":\"u1\",\"user_name\":\"mid.dev\"}}"));
    server.enqueue(error(404, "No Record found"));
    try (ServiceNowClient c = client()) {
      assertThat(c.get("sys_user", "u1", List.of("user_name"))).hasValueSatisfying(r -> assertThat(r.get("user_name")).isEqualTo("mid.dev"));
      assertThat(c.get("sys_user", "u2", List.of())).isEmpty();
    }
    RecordedRequest r = next();
    assertThat(r.getUrl().encodedPath()).isEqualTo("/api/now/table/sys_user/u1");
    assertThat(r.getUrl().queryParameter("sysparm_fields")).isEqualTo("user_name,sys_id");
  }

  @Test
  void insertPostsTheValuesIncludingSysIdAndReturnsWhatWasStored() throws Exception {
    server.enqueue(json(201, "{\"result\":{\"sys_id\":\"g1\",\"name\":\"MID group\"}}"));
    try (ServiceNowClient c = client()) {
      Record stored = c.insert("sys_user_group", Map.of("sys_id", "g1", "name", "MID group"));
      assertThat(stored.sysId()).isEqualTo("g1");
    }
    RecordedRequest r = next();
    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getUrl().encodedPath()).isEqualTo("/api/now/table/sys_user_group");
    assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(r.getBody().utf8()).contains("\"sys_id\":\"g1\"").contains("\"name\":\"MID group\"");
  }

  @Test
  void insertWithSysIdReadsBackAfterAnAmbiguousFailureAndDoesNotPostTwiceWhenStored() throws Exception {
    server.enqueue(error(503, "Service Unavailable")); // the insert may or may not have happened
    server.enqueue(json("{\"result\":{\"sys_id\":\"g1\",\"name\":\"MID group\"}}")); // read-back: it did
    try (ServiceNowClient c = client()) {
      assertThat(c.insert("sys_user_group", Map.of("sys_id", "g1", "name", "MID group")).sysId()).isEqualTo("g1");
    }
    assertThat(next().getMethod()).isEqualTo("POST");
    RecordedRequest readBack = next();
    assertThat(readBack.getMethod()).isEqualTo("GET");
    assertThat(readBack.getUrl().encodedPath()).isEqualTo("/api/now/table/sys_user_group/g1");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void insertWithSysIdIsSentAgainWhenTheReadBackShowsItAbsent() throws Exception {
    server.enqueue(error(504, "Gateway Timeout"));
    server.enqueue(error(404, "No Record found"));
    server.enqueue(json(201, "{\"result\":{\"sys_id\":\"g1\"}}"));
    try (ServiceNowClient c = client()) {
      assertThat(c.insert("sys_user_group", Map.of("sys_id", "g1")).sysId()).isEqualTo("g1");
    }
    assertThat(List.of(next().getMethod(), next().getMethod(), next().getMethod())).containsExactly("POST", "GET", "POST");
  }

  @Test
  void insertWithoutSysIdIsNotRepeatedAfterAnAmbiguousFailure() {
    server.enqueue(error(503, "Service Unavailable"));
    server.enqueue(json(201, "{\"result\":{\"sys_id\":\"x\"}}"));
    try (ServiceNowClient c = client()) {
      assertThatThrownBy(() -> c.insert("sys_user_group", Map.of("name", "MID group")))
          .isInstanceOf(ServiceNowException.Unavailable.class);
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void insertWithoutSysIdIsRepeatedAfterA429BecauseNothingWasStored() {
    server.enqueue(error(429, "Too Many Requests").newBuilder().setHeader("Retry-After", "1").build());
    server.enqueue(json(201, "{\"result\":{\"sys_id\":\"x\"}}"));
    try (ServiceNowClient c = client()) {
      assertThat(c.insert("sys_user_group", Map.of("name", "MID group")).sysId()).isEqualTo("x");
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void patchSendsOnlyTheGivenFields() throws Exception {
    server.enqueue(json("{\"result\":{\"sys_id\":\"u1\",\"active\":\"true\"}}"));
    try (ServiceNowClient c = client()) {
      assertThat(c.patch("sys_user", "u1", Map.of("active", "true")).get("active")).isEqualTo("true");
    }
    RecordedRequest r = next();
    assertThat(r.getMethod()).isEqualTo("PATCH");
    assertThat(r.getUrl().encodedPath()).isEqualTo("/api/now/table/sys_user/u1");
    assertThat(r.getBody().utf8()).isEqualTo("{\"active\":\"true\"}");
  }

  @Test
  void countUsesTheAggregateApi() throws Exception {
    server.enqueue(json("{\"result\":{\"stats\":{\"count\":\"12\"}}}"));
    try (ServiceNowClient c = client()) {
      assertThat(c.count("sys_user", "roles=mid_server")).isEqualTo(12);
    }
    RecordedRequest r = next();
    assertThat(r.getUrl().encodedPath()).isEqualTo("/api/now/stats/sys_user");
    assertThat(r.getUrl().queryParameter("sysparm_count")).isEqualTo("true");
    assertThat(r.getUrl().queryParameter("sysparm_query")).isEqualTo("roles=mid_server");
  }

  @Test
  void setPasswordPatchesUserPasswordWithInputDisplayValue() throws Exception {
    server.enqueue(json("{\"result\":{\"sys_id\":\"u1\"}}"));
    try (ServiceNowClient c = client()) {
      c.setPassword("u1", Secret.of("New-MID-passw0rd"));
    }
    RecordedRequest r = next();
    assertThat(r.getMethod()).isEqualTo("PATCH");
    assertThat(r.getUrl().encodedPath()).isEqualTo("/api/now/table/sys_user/u1");
    assertThat(r.getUrl().queryParameter("sysparm_input_display_value")).isEqualTo("true");
    assertThat(r.getBody().utf8()).isEqualTo("{\"user_password\":\"New-MID-passw0rd\"}");
  }

  @Test
  void keepsTheBaseUrlPathAndEncodesQueryCharacters() throws Exception {
    var cfg = basic(server);
    var withPath = new io.cloneguard.config.InstanceConfig(cfg.name(), java.net.URI.create(server.url("/proxy/sn/").toString()),
        cfg.auth(), false, true, cfg.policy(), cfg.midRoles());
    server.enqueue(json("{\"result\":{\"stats\":{\"count\":\"0\"}}}"));
    try (ServiceNowClient c = ServiceNowClients.create(withPath, http(1, 10, 0), new SimpleMeterRegistry(), time.runtime())) {
      c.count("sys_user", "nameLIKEa&b^ORname=ü #1");
    }
    RecordedRequest r = next();
    assertThat(r.getUrl().encodedPath()).isEqualTo("/proxy/sn/api/now/stats/sys_user");
    assertThat(r.getUrl().queryParameter("sysparm_query")).isEqualTo("nameLIKEa&b^ORname=ü #1");
  }

  @Test
  void rejectsTableAndSysIdThatWouldEscapeThePath() {
    try (ServiceNowClient c = client()) {
      assertThatThrownBy(() -> c.get("sys_user/../x", "u1", List.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table");
      assertThatThrownBy(() -> c.patch("sys_user", "../u1", Map.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sys_id");
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void serializesValuesWithQuotesAndUnicode() throws Exception {
    server.enqueue(json(201, "{\"result\":{\"sys_id\":\"x\"}}"));
    Map<String, String> values = new LinkedHashMap<>();
    values.put("name", "Zoë \"quoted\" \\ 東京");
    try (ServiceNowClient c = client()) {
      c.insert("sys_user_group", values);
    }
    assertThat(next().getBody().utf8()).isEqualTo("{\"name\":\"Zoë \\\"quoted\\\" \\\\ 東京\"}");
  }
}
