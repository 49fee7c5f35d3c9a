package io.cloneguard.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates requests against the instance's own sys_user rows (active, not locked out,
 * password matches) with Basic auth or OAuth bearer tokens. A clone that replaces sys_user
 * therefore really locks out an account that was not preserved.
 */
final class Auth {
  /** Who made a request. */
  record Principal(String sysId, String userName, Set<String> roles) {
    boolean holdsAny(Set<String> wanted) {
      for (String r : roles) {
        if (wanted.contains(r)) {
          return true;
        }
      }
      return false;
    }
  }

  /** An issued OAuth access or refresh token. */
  record Token(String userSysId, String clientId, Instant expires) {}

  private record Cached(long version, Principal principal) {}

  private final Database db;
  private final Clock clock;
  private final Map<String, Cached> basicCache = new ConcurrentHashMap<>();
  private final Map<String, Token> accessTokens = new ConcurrentHashMap<>();
  private final Map<String, Token> refreshTokens = new ConcurrentHashMap<>();

  Auth(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** The principal behind an Authorization header, or null when it is missing or wrong. */
  Principal authenticate(String header) {
    if (header == null) {
      return null;
    }
    if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
      long version = db.version();
      Cached cached = basicCache.get(header);
      if (cached != null && cached.version() == version) {
        return cached.principal();
      }
      Principal p = basic(header.substring(6).trim());
      if (basicCache.size() > 10_000) {
        basicCache.clear();
      }
      basicCache.put(header, new Cached(version, p));
      return p;
    }
    if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      Token t = accessTokens.get(header.substring(7).trim());
      if (t == null || !clock.instant().isBefore(t.expires())) {
        return null;
      }
      return principalOf(t.userSysId());
    }
    return null;
  }

  private Principal basic(String encoded) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return null;
    }
    return check(decoded.substring(0, colon), decoded.substring(colon + 1));
  }

  /** The principal for a user name and password (null password: no password check, for client_credentials), or null. */
  Principal check(String userName, String password) {
    return db.read(() -> {
      Map<String, String> u = db.userByName(userName);
      if (u == null) {
        return null;
      }
      if (!usable(u) || (password != null && !passwordMatches(u, password))) {
        return null;
      }
      return toPrincipal(u);
    });
  }

  Principal principalOf(String userSysId) {
    return db.read(() -> {
      Map<String, String> u = db.raw("sys_user", userSysId);
      return u == null || !usable(u) ? null : toPrincipal(u);
    });
  }

  private static boolean usable(Map<String, String> u) {
    return !"false".equalsIgnoreCase(u.get("active")) && !"true".equalsIgnoreCase(u.get("locked_out"));
  }

  static boolean passwordMatches(Map<String, String> user, String password) {
    String stored = user.getOrDefault("user_password", "");
    if (stored.isEmpty() || stored.startsWith(Database.UNUSABLE_PASSWORD)) {
      return false;
    }
    return MessageDigest.isEqual(stored.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
  }

  private static Principal toPrincipal(Map<String, String> u) {
    String roles = u.getOrDefault("roles", "");
    return new Principal(u.get("sys_id"), u.get("user_name"), roles.isEmpty() ? Set.of() : Set.of(roles.split(",")));
  }

  // ---- OAuth tokens ----------------------------------------------------------------------

  Token issueAccess(String token, String userSysId, String clientId, Duration lifetime) {
    Token t = new Token(userSysId, clientId, clock.instant().plus(lifetime));
    accessTokens.put(token, t);
    return t;
  }

  void issueRefresh(String token, String userSysId, String clientId, Duration lifetime) {
    refreshTokens.put(token, new Token(userSysId, clientId, clock.instant().plus(lifetime)));
  }

  /** The live refresh token, or null when unknown or expired. */
  Token refresh(String token) {
    Token t = refreshTokens.get(token);
    return t == null || !clock.instant().isBefore(t.expires()) ? null : t;
  }

  void revokeAll() {
    accessTokens.clear();
    refreshTokens.clear();
  }
}
