package io.cloneguard.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;

/** Writes configuration files for tests and reads back their problems with a stable file name. */
final class ConfigFiles {
  /** A valid file's first four lines; cases append to it so their line numbers start at 5. */
  static final String BASE =
      """
      instances:
        - name: dev
          url: https://dev.example.com
          auth: { type: basic, username: svc_cloneguard, password: base-password-1 }
      """;

  private ConfigFiles() {}

  static Path write(Path dir, String yaml) {
    try {
      Path file = dir.resolve("cloneguard.yaml");
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The problems of loading {@code file}, with its directory removed so they read {@code cloneguard.yaml:14: ...}. */
  static List<String> problemsOf(Path file, Map<String, String> env) {
    Throwable thrown = Assertions.catchThrowable(() -> ConfigLoader.read(file, env::get));
    Assertions.assertThat(thrown).as("loading should fail").isInstanceOf(ConfigException.class);
    return ((ConfigException) thrown).problems().stream().map(p -> p.replace(file.toString(), "cloneguard.yaml")).toList();
  }
}
