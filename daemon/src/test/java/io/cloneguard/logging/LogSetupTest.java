package io.cloneguard.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloneguard.config.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LogSetupTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Logger log = LoggerFactory.getLogger("io.cloneguard.test.Restore");

  @AfterEach
  void backToStderr() {
    MDC.clear();
    LogSetup.configure(LogFormat.text, false);
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private static Exception failureMentioning(String secret) {
    IOException cause = new IOException("server echoed body password=" + secret);
    return new IllegalStateException("login as svc with " + secret + " rejected", cause);
  }

  @Test
  void textLinesMaskSecretsInMessageArgumentsMdcAndStackTrace() {
    Secret secret = Secret.of("Tr0ub4dor&3-text");
    LogSetup.configure(LogFormat.text, false, out);

    MDC.put("token", secret.reveal());
    log.info("connecting with password {}", secret.reveal());
    log.error("restore of dev failed", failureMentioning(secret.reveal()));

    String text = output();
    assertThat(text).doesNotContain("Tr0ub4dor&3-text");
    assertThat(text).contains("INFO ", "connecting with password ***");
    assertThat(text).contains("ERROR", "restore of dev failed", "java.lang.IllegalStateException: login as svc with *** rejected");
    assertThat(text).contains("Caused by: java.io.IOException: server echoed body password=***");
  }

  @Test
  void jsonLinesAreOneObjectEachWithSecretsMaskedBeforeEscaping() {
    // Quote and backslash would be escaped in JSON, so masking the written line would miss them.
    Secret secret = Secret.of("pa\"ss\\word-json");
    LogSetup.configure(LogFormat.json, false, out);

    MDC.put("instance", "dev");
    log.warn("token {} expired", secret.reveal());
    log.error("snapshot failed", failureMentioning(secret.reveal()));

    List<JsonNode> lines = output().lines().map(LogSetupTest::parse).toList();
    assertThat(lines).hasSize(2);
    JsonNode warn = lines.get(0);
    assertThat(warn.get("level").asText()).isEqualTo("WARN");
    assertThat(warn.get("logger").asText()).isEqualTo("io.cloneguard.test.Restore");
    assertThat(warn.get("message").asText()).isEqualTo("token *** expired");
    assertThat(warn.get("instance").asText()).isEqualTo("dev");
    assertThat(warn.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    JsonNode error = lines.get(1);
    assertThat(error.get("exception").asText())
        .contains("IllegalStateException: login as svc with *** rejected", "Caused by: java.io.IOException: server echoed body password=***")
        .doesNotContain("pa\"ss");
    assertThat(output()).doesNotContain("ss\\\\word-json").doesNotContain("ss\\word-json");
  }

  @Test
  void debugOnlyWithVerbose() {
    LogSetup.configure(LogFormat.text, false, out);
    log.debug("page 3 of sys_user");
    assertThat(output()).isEmpty();

    LogSetup.configure(LogFormat.text, true, out);
    log.debug("page 4 of sys_user");
    assertThat(output()).contains("DEBUG", "page 4 of sys_user");
  }

  @Test
  void httpClientHeaderLogsStaySilentEvenWithVerbose() {
    LogSetup.configure(LogFormat.text, true, out);

    LoggerFactory.getLogger("org.apache.hc.client5.http.headers").debug("http-outgoing-0 >> Authorization: Basic c3ZjOnB3");
    LoggerFactory.getLogger("org.apache.hc.client5.http.wire").debug("http-outgoing-0 >> \"GET /api/now/table/sys_user\"");
    LoggerFactory.getLogger("org.apache.hc.client5.http.impl.classic.InternalHttpClient").debug("exec chain");

    assertThat(output()).isEmpty();
  }

  @Test
  void javaUtilLoggingLinesAreMaskedToo() {
    Secret secret = Secret.of("jul-secret-5150");
    LogSetup.configure(LogFormat.text, false, out);

    java.util.logging.Logger.getLogger("com.google.crypto.tink.Example").warning("key material jul-secret-5150 looks weak");

    assertThat(output()).contains("WARN", "c.g.crypto.tink.Example", "key material *** looks weak").doesNotContain(secret.reveal());
  }

  @Test
  void uncaughtExceptionsAreLoggedMaskedInsteadOfPrintedRaw() throws Exception {
    Secret secret = Secret.of("uncaught-secret-77");
    LogSetup.configure(LogFormat.json, false, out);
    Thread worker = new Thread(() -> {
      throw new IllegalStateException("token " + secret.reveal() + " refused");
    }, "restore-dev");

    worker.start();
    worker.join();

    JsonNode line = parse(output().lines().findFirst().orElseThrow());
    assertThat(line.get("level").asText()).isEqualTo("ERROR");
    assertThat(line.get("message").asText()).isEqualTo("uncaught exception in thread restore-dev");
    assertThat(line.get("exception").asText()).contains("IllegalStateException: token *** refused");
    assertThat(output()).doesNotContain(secret.reveal());
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException("not a JSON line: " + line, e);
    }
  }
}
