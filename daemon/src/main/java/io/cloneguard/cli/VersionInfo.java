package io.cloneguard.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** Version and git commit, filled in at build time. */
public final class VersionInfo implements CommandLine.IVersionProvider {
  private static final Properties PROPS = load();

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = VersionInfo.class.getResourceAsStream("/cloneguard-version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  public static String version() {
    return PROPS.getProperty("version", "dev");
  }

  public static String commit() {
    String c = PROPS.getProperty("commit", "");
    return c.isEmpty() || c.startsWith("${") ? "unknown" : c;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"cloneguard " + version() + " (commit " + commit() + ")"};
  }
}
