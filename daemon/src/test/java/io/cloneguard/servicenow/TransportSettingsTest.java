package io.cloneguard.servicenow;

import static io.cloneguard.servicenow.TestConfigs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloneguard.config.AuthConfig;
import io.cloneguard.config.ConfigException;
import io.cloneguard.config.HttpConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.Policy;
import io.cloneguard.config.Secret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS verification with and without an extra trust store, the HTTP proxy, and config checks. */
class TransportSettingsTest {
  private static final String STORE_PASSWORD = "store-pass-123";
  @TempDir static Path dir;
  private static Path serverKeys;
  private static Path trustStore;

  @StartStop final MockWebServer server = new MockWebServer();
  private final FakeTime time = new FakeTime();

  /** A self-signed certificate for localhost/127.0.0.1, made with the JDK's keytool. */
  @BeforeAll
  static void makeCertificate() throws Exception {
    serverKeys = dir.resolve("server.p12");
    trustStore = dir.resolve("trust.p12");
    Path cert = dir.resolve("server.crt");
    keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", serverKeys.toString(), "-storepass", STORE_PASSWORD);
    keytool("-exportcert", "-alias", "server", "-keystore", serverKeys.toString(), "-storepass", STORE_PASSWORD,
        "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-alias", "corporate-ca", "-file", cert.toString(), "-storetype", "PKCS12",
        "-keystore", trustStore.toString(), "-storepass", STORE_PASSWORD);
  }

  private static void keytool(String... args) throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> cmd = new java.util.ArrayList<>(List.of(keytool.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
  }

  private void serveHttps() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(serverKeys)) {
      ks.load(in, STORE_PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, STORE_PASSWORD.toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server.useHttps(ctx.getSocketFactory());
  }

  private InstanceConfig instance(URI url) {
    return new InstanceConfig("dev", url, AuthConfig.basic("u", Secret.of("some-password")), false, true, Policy.RESTORE, List.of("mid_server"));
  }

  private static HttpConfig http(Path trust, URI proxy) {
    return new HttpConfig(1, 10, Duration.ofSeconds(2), Duration.ofSeconds(5), 0, proxy, trust,
        trust == null ? null : Secret.of(STORE_PASSWORD), 2, Duration.ofSeconds(30));
  }

  @Test
  void refusesACertificateNoTrustedCaSignedWithoutRetrying() throws Exception {
    serveHttps();
    server.enqueue(json("{\"result\":{\"stats\":{\"count\":\"1\"}}}"));
    URI url = URI.create(server.url("/").toString());
    assertThat(url.getScheme()).isEqualTo("https");
    try (ServiceNowClient c = ServiceNowClients.create(instance(url), http(null, null), new SimpleMeterRegistry(), time.runtime())) {
      assertThatThrownBy(() -> c.count("sys_user", ""))
          .isInstanceOf(ServiceNowException.Unreachable.class)
          .hasMessageContaining("TLS").hasMessageContaining("http.trustStore");
    }
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void trustsACorporateCaFromTheExtraTrustStore() throws Exception {
    serveHttps();
    server.enqueue(json("{\"result\":{\"stats\":{\"count\":\"1\"}}}"));
    URI url = URI.create(server.url("/").toString());
    try (ServiceNowClient c = ServiceNowClients.create(instance(url), http(trustStore, null), new SimpleMeterRegistry(), time.runtime())) {
      assertThat(c.count("sys_user", "")).isEqualTo(1);
    }
  }

  @Test
  void sendsRequestsThroughTheConfiguredProxy() throws Exception {
    server.enqueue(json("{\"result\":{\"stats\":{\"count\":\"1\"}}}"));
    URI proxy = URI.create("http://127.0.0.1:" + server.getPort());
    URI target = URI.create("http://127.0.0.1:9/"); // discard port: only the proxy can answer
    try (ServiceNowClient c = ServiceNowClients.create(instance(target), http(null, proxy), new SimpleMeterRegistry(), time.runtime())) {
      assertThat(c.count("sys_user", "")).isEqualTo(1);
    }
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r.getTarget()).startsWith("http://127.0.0.1:9/api/now/stats/sys_user");
  }

  @Test
  void badConfigurationIsOneLinePerProblemNamingTheKey() {
    HttpConfig bad = new HttpConfig(0, 20_000, Duration.ofSeconds(2), Duration.ZERO, 0, null, null, null, -1, Duration.ofSeconds(1));
    assertThatThrownBy(() -> ServiceNowClients.create(instance(URI.create("ftp://x")), bad, new SimpleMeterRegistry()))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(5)
            .anyMatch(p -> p.startsWith("http.concurrency"))
            .anyMatch(p -> p.startsWith("http.pageSize"))
            .anyMatch(p -> p.startsWith("instances.dev.url")));
  }

  @Test
  void missingTrustStoreIsAConfigErrorNamingTheKey() {
    HttpConfig h = http(dir.resolve("missing.p12"), null);
    assertThatThrownBy(() -> ServiceNowClients.create(instance(URI.create("https://127.0.0.1/")), h, new SimpleMeterRegistry()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.trustStore").hasMessageNotContaining(STORE_PASSWORD);
  }
}
