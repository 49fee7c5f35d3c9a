package io.cloneguard.servicenow;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** {@code CloneGuard/<version>}, read from the build's version resource (not from the cli package: layering). */
final class UserAgent {
  static final String VALUE = "CloneGuard/" + version();

  private UserAgent() {}

  private static String version() {
    Properties p = new Properties();
    try (InputStream in = UserAgent.class.getResourceAsStream("/cloneguard-version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      return "dev";
    }
    String v = p.getProperty("version", "dev").trim();
    // Unfiltered resource (IDE run): the Maven placeholder is still there.
    return v.isEmpty() || v.startsWith("${") ? "dev" : v;
  }
}
