package io.cloneguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OAuthTest {
  MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  Simulator sim;
  SimInstance dev;

  @BeforeEach
  void start() {
    sim = Simulator.builder().instances("dev").clock(clock).start();
    dev = sim.instance("dev");
    dev.addUser("svc", "svc-pw", "user_admin");
    dev.addOAuthClient("cg-client", "cg-secret", null);
    dev.addOAuthClient("cc-client", "cc-secret", "svc");
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private Api.Reply token(String form) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(dev.url() + "/oauth_token.do"))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build();
    HttpResponse<String> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    return new Api.Reply(r.statusCode(), r);
  }

  private Api bearer(String token) {
    return new Api(dev.url(), "Bearer " + token);
  }

  @Test
  void passwordGrantIssuesAnExpiringTokenAndRefreshGivesANewOne() throws Exception {
    Api.Reply r = token("grant_type=password&client_id=cg-client&client_secret=cg-secret&username=svc&password=svc-pw");
    assertThat(r.status()).isEqualTo(200);
    JsonNode t = r.json();
    assertThat(t.get("token_type").asText()).isEqualTo("Bearer");
    assertThat(t.get("expires_in").isNumber()).isTrue();
    assertThat(t.get("expires_in").asLong()).isEqualTo(1800);
    assertThat(t.get("refresh_token").asText()).isNotEmpty();
    String access = t.get("access_token").asText();
    assertThat(bearer(access).get("/api/now/table/sys_user?sysparm_limit=1").status()).isEqualTo(200);

    clock.advance(Duration.ofSeconds(1801));
    assertThat(bearer(access).get("/api/now/table/sys_user?sysparm_limit=1").status()).isEqualTo(401);

    Api.Reply refreshed = token("grant_type=refresh_token&client_id=cg-client&client_secret=cg-secret&refresh_token=" + t.get("refresh_token").asText());
    assertThat(refreshed.status()).isEqualTo(200);
    assertThat(bearer(refreshed.json().get("access_token").asText()).get("/api/now/table/sys_user?sysparm_limit=1").status()).isEqualTo(200);
  }

  @Test
  void wrongPasswordOrClientSecretIsDenied() throws Exception {
    assertThat(token("grant_type=password&client_id=cg-client&client_secret=cg-secret&username=svc&password=nope").status()).isEqualTo(401);
    assertThat(token("grant_type=password&client_id=cg-client&client_secret=bad&username=svc&password=svc-pw").status()).isEqualTo(401);
    assertThat(token("grant_type=password&client_id=cg-client&client_secret=bad&username=svc&password=svc-pw").json().get("error_description").asText())
        .isEqualTo("access_denied");
  }

  @Test
  void clientCredentialsIsOffUnlessEnabledForTheClient() throws Exception {
    assertThat(token("grant_type=client_credentials&client_id=cg-client&client_secret=cg-secret").status()).isEqualTo(401);
    Api.Reply r = token("grant_type=client_credentials&client_id=cc-client&client_secret=cc-secret");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().has("refresh_token")).isFalse();
    assertThat(bearer(r.json().get("access_token").asText()).post("/api/now/table/sys_user_group", java.util.Map.of("name", "via cc")).status())
        .isEqualTo(201);
  }

  @Test
  void tokenStopsWorkingWhenTheUserIsDeactivated() throws Exception {
    String access = token("grant_type=password&client_id=cg-client&client_secret=cg-secret&username=svc&password=svc-pw").json()
        .get("access_token").asText();
    String id = dev.rows("sys_user", "user_name=svc").get(0).get("sys_id");
    dev.update("sys_user", id, java.util.Map.of("active", "false"));
    assertThat(bearer(access).get("/api/now/table/sys_user?sysparm_limit=1").status()).isEqualTo(401);
  }

  @Test
  void unsupportedGrantIs400() throws Exception {
    assertThat(token("grant_type=magic&client_id=cg-client&client_secret=cg-secret").status()).isEqualTo(400);
  }
}
