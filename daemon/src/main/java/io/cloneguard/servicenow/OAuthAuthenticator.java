package io.cloneguard.servicenow;

import io.cloneguard.config.AuthConfig;
import io.cloneguard.config.Secret;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.apache.hc.core5.http.ContentType;

/**
 * OAuth 2 at {@code /oauth_token.do}: the password grant when a username is configured, else
 * client_credentials. The token is cached and renewed shortly before it expires (with the refresh
 * token when there is one); one thread renews while the others wait for its result.
 */
final class OAuthAuthenticator implements Authenticator {
  private final String instance;
  private final AuthConfig auth;
  private final URI tokenUri;
  private final HttpTransport transport;
  private final Resilience resilience;
  private final Clock clock;
  private final ReentrantLock refreshing = new ReentrantLock();
  private volatile Token current;

  private record Token(Secret header, Secret refreshToken, Instant renewAt) {}

  OAuthAuthenticator(String instance, AuthConfig auth, URI tokenUri, HttpTransport transport, Resilience resilience, Clock clock) {
    this.instance = instance;
    this.auth = auth;
    this.tokenUri = tokenUri;
    this.transport = transport;
    this.resilience = resilience;
    this.clock = clock;
  }

  @Override
  public String header() {
    Token t = current;
    if (t != null && clock.instant().isBefore(t.renewAt())) {
      return t.header().reveal();
    }
    refreshing.lock();
    try {
      t = current;
      if (t != null && clock.instant().isBefore(t.renewAt())) {
        return t.header().reveal(); // another thread renewed it while we waited
      }
      current = fetch(t);
      return current.header().reveal();
    } finally {
      refreshing.unlock();
    }
  }

  @Override
  public boolean invalidate(String rejectedHeader) {
    refreshing.lock();
    try {
      Token t = current;
      if (t != null && t.header().reveal().equals(rejectedHeader)) {
        // Keep the refresh token, drop the access token.
        current = new Token(t.header(), t.refreshToken(), Instant.MIN);
      }
      return true;
    } finally {
      refreshing.unlock();
    }
  }

  private Token fetch(Token previous) {
    if (previous != null && previous.refreshToken() != null) {
      try {
        return request(Map.of("grant_type", "refresh_token", "refresh_token", previous.refreshToken().reveal()));
      } catch (ServiceNowException.AuthenticationFailed e) {
        // The refresh token expired or was revoked (a clone replaces oauth_credential): log in afresh.
      }
    }
    Map<String, String> form = new LinkedHashMap<>();
    if (auth.username() != null && !auth.username().isBlank()) {
      form.put("grant_type", "password");
      form.put("username", auth.username());
      form.put("password", auth.password() == null ? "" : auth.password().reveal());
    } else {
      form.put("grant_type", "client_credentials");
    }
    return request(form);
  }

  private Token request(Map<String, String> grant) {
    Map<String, String> form = new LinkedHashMap<>(grant);
    form.put("client_id", auth.clientId());
    form.put("client_secret", auth.clientSecret() == null ? "" : auth.clientSecret().reveal());
    byte[] body = form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&")).getBytes(StandardCharsets.UTF_8);
    var exchange = new HttpTransport.Exchange("POST", null, tokenUri, body, ContentType.APPLICATION_FORM_URLENCODED, null);
    Map<String, String> response;
    try {
      response = resilience.retrying(null, Resilience.Mode.IDEMPOTENT,
          () -> transport.execute(exchange, (r, in) -> RecordJson.readFlat(in)));
    } catch (ServiceNowException.AuthenticationFailed | ServiceNowException.ServerError e) {
      if (e.status() == 400 || e.status() == 401) {
        throw new ServiceNowException.AuthenticationFailed(instance, null, instance + ": OAuth token request ("
            + grant.get("grant_type") + " grant) refused with HTTP " + e.status()
            + ". Check client id, client secret" + (auth.username() == null ? "" : " and the user's credentials")
            + "; if the instance was just cloned, the clone may have removed or replaced the account or OAuth application");
      }
      throw e;
    }
    String access = response.getOrDefault("access_token", "");
    if (access.isBlank()) {
      throw new ServiceNowException.InvalidResponse(instance, null, 200,
          instance + ": OAuth token response has no access_token (fields: " + String.join(",", response.keySet()) + ")", null);
    }
    Secret header = Secret.of("Bearer " + access);
    Secret.of(access); // registers the bare token with SecretMask too
    String refresh = response.getOrDefault("refresh_token", "");
    Duration lifetime = parseLifetime(response.get("expires_in"));
    // Renew a little early so a token never expires in flight: a minute, or half a very short lifetime.
    Duration margin = lifetime.dividedBy(2).compareTo(Duration.ofMinutes(1)) < 0 ? lifetime.dividedBy(2) : Duration.ofMinutes(1);
    return new Token(header, refresh.isBlank() ? null : Secret.of(refresh), clock.instant().plus(lifetime).minus(margin));
  }

  private static Duration parseLifetime(String expiresIn) {
    try {
      return Duration.ofSeconds(Math.max(1, (long) Double.parseDouble(expiresIn)));
    } catch (RuntimeException e) {
      return Duration.ofMinutes(30); // the platform default when the field is missing
    }
  }
}
