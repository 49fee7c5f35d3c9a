package io.cloneguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.ConfigLoader;
import io.cloneguard.logging.LogFormat;
import io.cloneguard.logging.LogSetup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckConfigCommandTest {
  private static final String LITERAL = "literal-pw-0001";
  private static final String FROM_ENV = "env-secret-0002";
  private static final String FROM_FILE = "file-secret-0003";
  private static final String DB = "db-secret-0004";

  @TempDir Path dir;
  private Path config;
  private Map<String, String> env;

  @BeforeEach
  void writeConfig() throws Exception {
    Path secretFile = dir.resolve("dev.secret");
    Files.writeString(secretFile, FROM_FILE + "\n");
    Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
    config =
        Files.writeString(
            dir.resolve("cloneguard.yaml"),
            """
            instances:
              - name: prod
                url: https://prod.example.com
                auth: { type: basic, username: svc, password: %s }
                watchCloneRequests: true
              - name: dev
                url: https://dev.example.com
                auth: { type: oauth, clientId: cid, clientSecret: "${env:CG_DEV_SECRET}", username: svc, password: "${file:dev.secret}" }
                guard: true
            scheduler: { store: jdbc, url: "jdbc:postgresql://127.0.0.1/cg", user: cg, password: %s }
            """
                .formatted(LITERAL, DB));
    env = Map.of("CG_DEV_SECRET", FROM_ENV);
  }

  @AfterEach
  void loggingBackToDefaults() {
    LogSetup.configure(LogFormat.text, false);
  }

  @Test
  void printsEffectiveYamlWithEverySecretMasked() throws Exception {
    CliRun r = CliRun.run(env, "check-config", "--config", config.toString());

    assertThat(r.exitCode()).isZero();
    assertThat(r.out() + r.err()).doesNotContain(LITERAL, FROM_ENV, FROM_FILE, DB);
    assertThat(r.out()).contains("password: '***'", "clientSecret: '***'", "pageSize: 1000", "baselineSnapshot: 0 0 2 * * ?", "poll: 30s");
    assertThat(r.err()).isEqualTo("cloneguard: " + config + " is valid (2 instances)\n");
    // What it prints is itself a valid configuration with the same settings.
    Path printed = Files.writeString(dir.resolve("printed.yaml"), r.out());
    CloneGuardConfig original = ConfigLoader.load(config, env::get);
    CloneGuardConfig reloaded = ConfigLoader.load(printed, Map.<String, String>of()::get);
    assertThat(reloaded.http()).isEqualTo(original.http());
    assertThat(reloaded.schedule()).isEqualTo(original.schedule());
    assertThat(reloaded.instances()).extracting(i -> i.url().toString()).containsExactly("https://prod.example.com", "https://dev.example.com");
  }

  @Test
  void printsJsonWithEverySecretMasked() throws Exception {
    CliRun r = CliRun.run(env, "check-config", "--config", config.toString(), "--output", "json");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).doesNotContain(LITERAL, FROM_ENV, FROM_FILE, DB);
    JsonNode json = Json.MAPPER.readTree(r.out());
    assertThat(json.at("/instances/0/auth/password").asText()).isEqualTo("***");
    assertThat(json.at("/instances/1/auth/clientSecret").asText()).isEqualTo("***");
    assertThat(json.at("/instances/1/auth/password").asText()).isEqualTo("***");
    assertThat(json.at("/instances/1/guard").asBoolean()).isTrue();
    assertThat(json.at("/scheduler/password").asText()).isEqualTo("***");
    assertThat(json.at("/http/pageSize").asInt()).isEqualTo(1000);
  }

  @Test
  void brokenConfigPrintsEveryProblemAndExitsTwo() throws Exception {
    Path broken =
        Files.writeString(
            dir.resolve("broken.yaml"),
            """
            instances:
              - name: dev
                url: http://dev.example.com
                auth: { type: basic, username: svc, password: "${env:CG_MISSING}" }
            http: { pageSize: 0 }
            """);

    CliRun r = CliRun.run(env, "check-config", "--config", broken.toString());

    assertThat(r.exitCode()).isEqualTo(Main.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines())
        .containsExactly(
            broken + ":3: instances[0].url: must use https (got http://dev.example.com)",
            broken + ":4: instances[0].auth.password: environment variable CG_MISSING is not set (referenced as ${env:CG_MISSING})",
            broken + ":5: http.pageSize: must be between 1 and 10000 (got 0)");
  }

  @Test
  void looseSecretFileIsAWarningOnStderrNotAnError() throws Exception {
    Files.setPosixFilePermissions(dir.resolve("dev.secret"), PosixFilePermissions.fromString("rw-r-----"));
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream original = System.err;
    CliRun r;
    try {
      System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
      r = CliRun.run(env, "check-config", "--config", config.toString(), "--log-format", "json");
    } finally {
      System.setErr(original);
    }

    assertThat(r.exitCode()).isZero();
    JsonNode warning = Json.MAPPER.readTree(stderr.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow());
    assertThat(warning.get("level").asText()).isEqualTo("WARN");
    assertThat(warning.get("message").asText())
        .isEqualTo("secret file " + dir.resolve("dev.secret") + " is readable by group or others; run: chmod 600 " + dir.resolve("dev.secret"));
    assertThat(r.out()).doesNotContain(FROM_FILE);
  }
}
