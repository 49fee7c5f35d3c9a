package io.cloneguard.sim;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code POST /oauth_token.do}: the password, client_credentials and refresh_token grants against
 * registered OAuth clients. client_credentials is off unless the client names a user to act as,
 * as on the platform where it must be enabled explicitly.
 */
final class OAuth {
  /** A registered application: its secret and, if client_credentials is enabled, the user it acts as. */
  record Client(String secret, String clientCredentialsUser) {}

  private static final SecureRandom RANDOM = new SecureRandom();
  private final Auth auth;
  private final Map<String, Client> clients = new ConcurrentHashMap<>();
  private volatile Duration accessLifetime = Duration.ofSeconds(1800);
  private volatile Duration refreshLifetime = Duration.ofDays(100);

  OAuth(Auth auth) {
    this.auth = auth;
  }

  void addClient(String clientId, String secret, String clientCredentialsUser) {
    clients.put(clientId, new Client(secret, clientCredentialsUser));
  }

  void lifetimes(Duration access, Duration refresh) {
    this.accessLifetime = access;
    this.refreshLifetime = refresh;
  }

  Response token(String method, byte[] body, String contentType) {
    if (!method.equals("POST")) {
      return Response.error(405, "Method not Supported", "use POST /oauth_token.do with a form-encoded body");
    }
    Params p = Params.parse(new String(body, StandardCharsets.UTF_8));
    String clientId = p.get("client_id", "");
    Client client = clients.get(clientId);
    if (client == null || !client.secret().equals(p.get("client_secret", ""))) {
      return denied();
    }
    String grant = p.get("grant_type", "");
    return switch (grant) {
      case "password" -> {
        Auth.Principal who = auth.check(p.get("username", ""), p.get("password", ""));
        yield who == null ? denied() : issue(who.sysId(), clientId, true);
      }
      case "client_credentials" -> {
        if (client.clientCredentialsUser() == null) {
          yield denied();
        }
        Auth.Principal who = auth.check(client.clientCredentialsUser(), null);
        yield who == null ? denied() : issue(who.sysId(), clientId, false);
      }
      case "refresh_token" -> {
        Auth.Token t = auth.refresh(p.get("refresh_token", ""));
        if (t == null || !t.clientId().equals(clientId) || auth.principalOf(t.userSysId()) == null) {
          yield denied();
        }
        yield issue(t.userSysId(), clientId, false);
      }
      default -> Response.json(400, Renderer.write(g -> {
        g.writeStartObject();
        g.writeStringField("error_description", "unsupported grant_type '" + grant + "'");
        g.writeStringField("error", "unsupported_grant_type");
        g.writeEndObject();
      }));
    };
  }

  private Response issue(String userSysId, String clientId, boolean withRefresh) {
    String access = newToken();
    auth.issueAccess(access, userSysId, clientId, accessLifetime);
    String refresh = withRefresh ? newToken() : null;
    if (refresh != null) {
      auth.issueRefresh(refresh, userSysId, clientId, refreshLifetime);
    }
    return Response.json(200, Renderer.write(g -> {
      g.writeStartObject();
      g.writeStringField("access_token", access);
      if (refresh != null) {
        g.writeStringField("refresh_token", refresh);
      }
      g.writeStringField("scope", "useraccount");
      g.writeStringField("token_type", "Bearer");
      g.writeNumberField("expires_in", accessLifetime.toSeconds());
      g.writeEndObject();
    }));
  }

  private static Response denied() {
    return Response.json(401, Renderer.write(g -> {
      g.writeStartObject();
      g.writeStringField("error_description", "access_denied");
      g.writeStringField("error", "server_error");
      g.writeEndObject();
    }));
  }

  private static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
