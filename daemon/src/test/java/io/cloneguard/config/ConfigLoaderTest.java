package io.cloneguard.config;

import static io.cloneguard.config.ConfigFiles.BASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  static Path exampleFile() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("config/cloneguard.example.yaml");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("config/cloneguard.example.yaml not found above " + Path.of("").toAbsolutePath());
  }

  @Test
  void minimalFileGetsEveryDefault() {
    CloneGuardConfig c = ConfigLoader.read(ConfigFiles.write(dir, BASE), Map.<String, String>of()::get).config();

    assertThat(c.storage()).isEqualTo(new StorageConfig(Path.of("/var/lib/cloneguard"), Path.of("/etc/cloneguard/cloneguard.key"), 14));
    InstanceConfig dev = c.instance("dev").orElseThrow();
    assertThat(dev.url()).isEqualTo(URI.create("https://dev.example.com"));
    assertThat(dev.auth().type()).isEqualTo(AuthConfig.Type.BASIC);
    assertThat(dev.auth().username()).isEqualTo("svc_cloneguard");
    assertThat(dev.auth().password().reveal()).isEqualTo("base-password-1");
    assertThat(dev.watchCloneRequests()).isFalse();
    assertThat(dev.guard()).isFalse();
    assertThat(dev.policy()).isEqualTo(Policy.RESTORE);
    assertThat(dev.midRoles()).containsExactly("mid_server");
    assertThat(c.cloneRequests()).isEqualTo(new CloneRequestsConfig("clone_instance", Duration.ofSeconds(30), CloneRequestsConfig.Fields.defaults()));
    assertThat(c.http()).isEqualTo(new HttpConfig(4, 1000, Duration.ofSeconds(10), Duration.ofSeconds(60), 20, null, null, null, 5, Duration.ofSeconds(60)));
    assertThat(c.schedule()).isEqualTo(new ScheduleConfig("0 0 2 * * ?", Duration.ofMinutes(5), 3, Duration.ofMinutes(15), Duration.ofSeconds(30), Duration.ofSeconds(30)));
    assertThat(c.scheduler()).isEqualTo(new SchedulerConfig(SchedulerConfig.Store.EMBEDDED, null, null, null));
    assertThat(c.metrics().listen()).isEqualTo("127.0.0.1:9464");
  }

  @Test
  void exampleFileLoadsAndStatesEveryDefault() {
    CloneGuardConfig example = ConfigLoader.read(exampleFile(), Map.<String, String>of()::get).config();

    assertThat(example.instances()).extracting(InstanceConfig::name).containsExactly("prod", "dev");
    assertThat(example.watched()).extracting(InstanceConfig::name).containsExactly("prod");
    assertThat(example.guarded()).extracting(InstanceConfig::name).containsExactly("dev");
    assertThat(example.instance("dev").orElseThrow().auth().type()).isEqualTo(AuthConfig.Type.OAUTH);
    // The example claims to show the defaults: the same values as a file that leaves them out.
    CloneGuardConfig minimal = ConfigLoader.read(ConfigFiles.write(dir, BASE), Map.<String, String>of()::get).config();
    assertThat(example.storage()).isEqualTo(minimal.storage());
    assertThat(example.cloneRequests()).isEqualTo(minimal.cloneRequests());
    assertThat(example.http()).isEqualTo(minimal.http());
    assertThat(example.schedule()).isEqualTo(minimal.schedule());
    assertThat(example.scheduler()).isEqualTo(minimal.scheduler());
    assertThat(example.metrics()).isEqualTo(minimal.metrics());
  }

  @Test
  void everySettingIsRead() throws Exception {
    Path trustStore = Files.writeString(dir.resolve("corp-ca.p12"), "not really pkcs12");
    String yaml =
        """
        storage: { dir: state, keyFile: /etc/cg/key.json, keepPerInstance: 3 }
        instances:
          - name: sim-1
            url: http://127.0.0.1:8080/
            auth: { type: oauth, clientId: "0042", clientSecret: client-secret-1 }
            watchCloneRequests: true
            guard: true
            policy: alert-only
            midRoles: [mid_server, x_mid_custom]
          - name: local
            url: http://localhost:9000
            auth: { type: basic, username: u, password: local-password }
          - name: v6
            url: http://[::1]:9001
            auth: { type: oauth, clientId: id, clientSecret: v6-secret, username: svc, password: v6-password }
        cloneRequests:
          table: u_clone_request
          poll: 500ms
          fields: { state: u_state, canceled: u_cancelled }
        http:
          concurrency: 8
          pageSize: 50
          connectTimeout: 2s
          requestTimeout: 1h
          maxRequestsPerSecond: 2.5
          proxy: http://proxy.example.com:3128
          trustStore: corp-ca.p12
          trustStorePassword: changeit-please
          maxRetries: 0
          maxRetryAfter: 2m
        schedule:
          baselineSnapshot: "0 30 1 ? * MON-FRI"
          settleAfterClone: 0s
          settlePolls: 1
          midUpTimeout: 1m
          midCheckInterval: 100ms
          stopTimeout: 5s
        scheduler: { store: jdbc, url: "jdbc:postgresql://127.0.0.1/cg", user: cg, password: db-password }
        metrics: { listen: "[::1]:0" }
        """;

    CloneGuardConfig c = ConfigLoader.read(ConfigFiles.write(dir, yaml), Map.<String, String>of()::get).config();

    assertThat(c.storage()).isEqualTo(new StorageConfig(dir.resolve("state"), Path.of("/etc/cg/key.json"), 3));
    InstanceConfig sim = c.instances().get(0);
    assertThat(sim.url()).as("trailing slash removed").isEqualTo(URI.create("http://127.0.0.1:8080"));
    assertThat(sim.auth()).isEqualTo(AuthConfig.oauth("0042", Secret.of("client-secret-1"), null, null));
    assertThat(sim.policy()).isEqualTo(Policy.ALERT_ONLY);
    assertThat(sim.midRoles()).containsExactly("mid_server", "x_mid_custom");
    assertThat(c.instances().get(2).auth()).isEqualTo(AuthConfig.oauth("id", Secret.of("v6-secret"), "svc", Secret.of("v6-password")));
    assertThat(c.cloneRequests().table()).isEqualTo("u_clone_request");
    assertThat(c.cloneRequests().poll()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.cloneRequests().fields())
        .isEqualTo(new CloneRequestsConfig.Fields("source_instance", "target_instance", "u_state", "scheduled", "started", "completed", "u_cancelled"));
    assertThat(c.http())
        .isEqualTo(new HttpConfig(8, 50, Duration.ofSeconds(2), Duration.ofHours(1), 2.5, URI.create("http://proxy.example.com:3128"),
            trustStore, Secret.of("changeit-please"), 0, Duration.ofMinutes(2)));
    assertThat(c.schedule())
        .isEqualTo(new ScheduleConfig("0 30 1 ? * MON-FRI", Duration.ZERO, 1, Duration.ofMinutes(1), Duration.ofMillis(100), Duration.ofSeconds(5)));
    assertThat(c.scheduler()).isEqualTo(new SchedulerConfig(SchedulerConfig.Store.JDBC, "jdbc:postgresql://127.0.0.1/cg", "cg", Secret.of("db-password")));
    assertThat(c.metrics().listen()).isEqualTo("[::1]:0");
  }

  @Test
  void reportsEveryProblemAtOnceInLineOrder() {
    String yaml =
        """
        storag:
          dir: /x
        instances:
          - name: Prod
            url: http://dev.example.com
            auth: { type: basic, username: u }
            policy: fix
          - name: dev
            url: http://127.0.0.1:8080/
            auth:
              type: oauth
              clientId: abc
              clientSecret: "${env:CG_NOPE}"
            watchCloneRequest: true
          - name: dev
            url: https://dev2.example.com
            auth: { type: basic, username: u, password: "${file:missing/prod.password}" }
        http:
          pageSize: 0
          concurrency: abc
          connectTimeout: 30x
        schedule:
          baselineSnapshot: "0 0 2 * *"
        scheduler: { store: jdbc }
        metrics: { listen: "9464" }
        """;
    Path file = ConfigFiles.write(dir, yaml);

    assertThat(ConfigFiles.problemsOf(file, Map.of()))
        .containsExactly(
            "cloneguard.yaml:1: storag: unknown key; did you mean storage?",
            "cloneguard.yaml:4: instances[0].name: must match [a-z0-9-]+ (got Prod)",
            "cloneguard.yaml:5: instances[0].url: must use https (got http://dev.example.com)",
            "cloneguard.yaml:6: instances[0].auth.password: missing; basic auth needs it",
            "cloneguard.yaml:7: instances[0].policy: must be restore or alert-only (got fix)",
            "cloneguard.yaml:13: instances[1].auth.clientSecret: environment variable CG_NOPE is not set (referenced as ${env:CG_NOPE})",
            "cloneguard.yaml:14: instances[1].watchCloneRequest: unknown key; did you mean watchCloneRequests?",
            "cloneguard.yaml:15: instances[2].name: duplicate instance name dev (also instances[1]); names must be unique",
            "cloneguard.yaml:17: instances[2].auth.password: secret file " + dir.resolve("missing/prod.password") + " does not exist",
            "cloneguard.yaml:19: http.pageSize: must be between 1 and 10000 (got 0)",
            "cloneguard.yaml:20: http.concurrency: must be a whole number (got abc)",
            "cloneguard.yaml:21: http.connectTimeout: must be a duration like 500ms, 30s, 5m or 1h (got 30x)",
            "cloneguard.yaml:23: schedule.baselineSnapshot: must be a Quartz cron expression like \"0 0 2 * * ?\" "
                + "(seconds minutes hours day-of-month month day-of-week; got 0 0 2 * *)",
            "cloneguard.yaml:24: scheduler.url: missing; store jdbc needs a JDBC URL like jdbc:postgresql://db.example.com/cloneguard",
            "cloneguard.yaml:25: metrics.listen: must be host:port like 127.0.0.1:9464 (port 0 picks a free port; got 9464)");
  }

  @Test
  void missingFileSaysHowToPointAtOne() {
    Path missing = dir.resolve("nowhere.yaml");

    assertThatThrownBy(() -> ConfigLoader.load(missing, Map.<String, String>of()::get))
        .isInstanceOf(ConfigException.class)
        .hasMessage(missing + ": configuration file not found; give the path with --config FILE or the CLONEGUARD_CONFIG environment variable");
  }

  @Test
  void directoryInsteadOfFileIsReported() {
    assertThatThrownBy(() -> ConfigLoader.load(dir, Map.<String, String>of()::get))
        .isInstanceOf(ConfigException.class)
        .hasMessage(dir + ": is a directory, not a configuration file; give the path with --config FILE or the CLONEGUARD_CONFIG environment variable");
  }

  @Test
  void badValueReadThroughAReferenceIsShownAsTheReference() {
    // It may be a secret in the wrong field (a copy-paste slip), so the error names where it came from.
    String yaml = BASE.replace("https://dev.example.com", "\"${env:CG_URL}\"");
    Path file = ConfigFiles.write(dir, yaml);

    List<String> problems = ConfigFiles.problemsOf(file, Map.of("CG_URL", "Sup3rSecretValue!"));

    assertThat(problems).containsExactly("cloneguard.yaml:3: instances[0].url: must be an absolute URL like https://acme.service-now.com (got ${env:CG_URL})");
  }

  @Test
  void numbersAndDurationsMayComeFromReferencesAndAreShownAsSuch() {
    String yaml = BASE + "http:\n  pageSize: \"${env:CG_PAGE}\"\n  requestTimeout: \"${env:CG_TIMEOUT}\"\n";
    Path file = ConfigFiles.write(dir, yaml);

    assertThat(ConfigLoader.read(file, Map.of("CG_PAGE", "250", "CG_TIMEOUT", "2m")::get).config().http())
        .extracting(HttpConfig::pageSize, HttpConfig::requestTimeout)
        .containsExactly(250, Duration.ofMinutes(2));
    assertThat(ConfigFiles.problemsOf(file, Map.of("CG_PAGE", "0", "CG_TIMEOUT", "soon")))
        .containsExactly(
            "cloneguard.yaml:6: http.pageSize: must be between 1 and 10000 (got ${env:CG_PAGE})",
            "cloneguard.yaml:7: http.requestTimeout: must be a duration like 500ms, 30s, 5m or 1h (got ${env:CG_TIMEOUT})");
  }

  @Test
  void secretDefinedOnALaterLineIsMaskedInAnEarlierProblem() {
    // The password is pasted into the user name too; the user name's problem comes first in the file.
    String yaml =
        """
        instances:
          - name: dev
            url: https://dev.example.com
            guard: "pasted-pw-1234"
            auth: { type: basic, username: svc, password: pasted-pw-1234 }
        """;

    assertThat(ConfigFiles.problemsOf(ConfigFiles.write(dir, yaml), Map.of()))
        .containsExactly("cloneguard.yaml:4: instances[0].guard: must be true or false (got ***)");
  }

  @Test
  void durationsReadAndPrintInTheFileSyntax() {
    assertThat(Durations.parse("500ms")).contains(Duration.ofMillis(500));
    assertThat(Durations.parse("30s")).contains(Duration.ofSeconds(30));
    assertThat(Durations.parse("5m")).contains(Duration.ofMinutes(5));
    assertThat(Durations.parse("1h")).contains(Duration.ofHours(1));
    assertThat(Durations.parse("PT90S")).contains(Duration.ofSeconds(90));
    assertThat(Durations.parse("5 minutes")).isEmpty();
    assertThat(Durations.parse("-5s")).isEmpty();
    assertThat(Durations.format(Duration.ofSeconds(300))).isEqualTo("5m");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
  }

  @Test
  void loopbackIsRecognisedByLiteralOnly() {
    assertThat(ConfigLoader.isLoopback("127.0.0.1")).isTrue();
    assertThat(ConfigLoader.isLoopback("127.10.20.30")).isTrue();
    assertThat(ConfigLoader.isLoopback("LOCALHOST")).isTrue();
    assertThat(ConfigLoader.isLoopback("[::1]")).isTrue();
    assertThat(ConfigLoader.isLoopback("127.0.0.1.example.com")).isFalse();
    assertThat(ConfigLoader.isLoopback("localhost.example.com")).isFalse();
    assertThat(ConfigLoader.isLoopback("10.0.0.1")).isFalse();
  }
}
