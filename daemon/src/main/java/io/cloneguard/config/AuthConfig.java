package io.cloneguard.config;

/**
 * How CloneGuard logs in to one instance. {@code basic} uses username and password; {@code oauth}
 * uses the password grant when a username is given, otherwise the client_credentials grant.
 */
public record AuthConfig(Type type, String username, Secret password, String clientId, Secret clientSecret) {
  public enum Type { BASIC, OAUTH }

  public static AuthConfig basic(String username, Secret password) {
    return new AuthConfig(Type.BASIC, username, password, null, null);
  }

  public static AuthConfig oauth(String clientId, Secret clientSecret, String username, Secret password) {
    return new AuthConfig(Type.OAUTH, username, password, clientId, clientSecret);
  }
}
