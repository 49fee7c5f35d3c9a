package io.cloneguard.servicenow;

import static io.cloneguard.servicenow.TestConfigs.http;
import static io.cloneguard.servicenow.TestConfigs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cloneguard.config.AuthConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.Secret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Provokes every exception type while the instance echoes the credentials back in its error
 * bodies, and checks that no secret appears in any message, cause, stack trace or log line.
 */
class NoSecretLeakTest {
  private static final String TOKEN = "access-tok-9f8e7d6c5b4a";
  private static final String NEW_PASSWORD = "New-MID-Passw0rd-42";

  @StartStop final MockWebServer server = new MockWebServer();
  private final FakeTime time = new FakeTime();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void captureLogs() {
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void stopCapturing() {
    root.detachAppender(logs);
  }

  private static String basicHeader() {
    return Base64.getEncoder().encodeToString((TestConfigs.USER + ":" + TestConfigs.PASSWORD).getBytes(StandardCharsets.UTF_8));
  }

  /** Every API path answers with its own failure, each echoing the secrets it can. */
  private final class EchoingInstance extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest r) {
      String echo = "you sent " + r.getHeaders().get("Authorization") + " and " + (r.getBody() == null ? "" : r.getBody().utf8()).replace("\"", "'")
          + " password " + TestConfigs.PASSWORD + " secret " + TestConfigs.CLIENT_SECRET;
      String path = r.getUrl().encodedPath();
      if (path.equals("/oauth_token.do")) {
        return json("{\"access_token\":\"" + TOKEN + "\",\"expires_in\":1800}");
      }
      String table = path.replaceAll("/api/now/(table|stats)/([a-z0-9_]+).*", "$2");
      int status = switch (table) {
        case "t401" -> 401;
        case "t403" -> 403;
        case "t404" -> 404;
        case "t429" -> 429;
        case "t500" -> 500;
        case "t503" -> 503;
        default -> 200;
      };
      if (table.equals("thtml")) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "text/html").body("<html>" + echo + "</html>").build();
      }
      if (table.equals("tbadjson")) {
        return json("{\"result\":[{\"sys_id\":\"" + TestConfigs.PASSWORD + "\" " + r.getHeaders().get("Authorization") + "}]}");
      }
      if (table.equals("tredirect")) {
        return new MockResponse.Builder().code(302).setHeader("Location", "https://sso.example/login?p=" + TestConfigs.PASSWORD).build();
      }
      if (status == 200) {
        return json("{\"result\":[{\"sys_id\":\"a1\",\"roles\":\"" + TestConfigs.PASSWORD + "\"}]}");
      }
      return json(status, "{\"error\":{\"message\":\"" + echo + "\",\"detail\":\"" + r.getHeaders().get("Authorization") + "\"},\"status\":\"failure\"}");
    }
  }

  @Test
  void noExceptionTypeOrLogLineCarriesACredential() throws Exception {
    server.setDispatcher(new EchoingInstance());
    InstanceConfig basic = TestConfigs.basic(server);
    InstanceConfig oauth = TestConfigs.oauth(server, TestConfigs.USER);
    Map<String, Throwable> thrown = new LinkedHashMap<>();
    try (ServiceNowClient b = ServiceNowClients.create(basic, http(1, 10, 1), new SimpleMeterRegistry(), time.runtime());
        ServiceNowClient o = ServiceNowClients.create(oauth, http(1, 10, 1), new SimpleMeterRegistry(), time.runtime())) {
      for (ServiceNowClient c : List.of(b, o)) {
        String k = c == b ? "basic " : "oauth ";
        thrown.put(k + "401", catchThrowable(() -> c.count("t401", "")));
        thrown.put(k + "403", catchThrowable(() -> c.patch("t403", "x", Map.of("user_password", TestConfigs.PASSWORD))));
        thrown.put(k + "404", catchThrowable(() -> c.patch("t404", "x", Map.of("a", "b"))));
        thrown.put(k + "429", catchThrowable(() -> c.count("t429", "")));
        thrown.put(k + "500", catchThrowable(() -> c.insert("t500", Map.of("user_password", TestConfigs.PASSWORD))));
        thrown.put(k + "503", catchThrowable(() -> c.count("t503", "")));
        thrown.put(k + "html", catchThrowable(() -> c.count("thtml", "")));
        thrown.put(k + "badjson", catchThrowable(() -> c.list(TableQuery.of("tbadjson", ""))));
        thrown.put(k + "redirect", catchThrowable(() -> c.count("tredirect", "")));
        thrown.put(k + "guard", catchThrowable(() -> c.list(TableQuery.of("tok", "roles=" + TestConfigs.PASSWORD)
            .requireEach("never", r -> false))));
        thrown.put(k + "setPassword", catchThrowable(() -> c.setPassword("t403", Secret.of(NEW_PASSWORD))));
      }
    }
    thrown.put("unreachable", unreachable());
    thrown.put("refused token", refusedToken());

    assertThat(thrown.values()).allSatisfy(t -> assertThat(t).isInstanceOf(ServiceNowException.class));
    assertThat(thrown.values().stream().map(Object::getClass).distinct().map(Class::getSimpleName))
        .contains("Unreachable", "Unavailable", "AuthenticationFailed", "Forbidden", "NotFound", "RateLimited",
            "ServerError", "InvalidResponse", "UnexpectedRow");
    List<String> secrets = List.of(TestConfigs.PASSWORD, TestConfigs.CLIENT_SECRET, TOKEN, basicHeader(), NEW_PASSWORD);
    thrown.forEach((what, t) -> {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      for (String s : secrets) {
        assertThat(trace.toString()).as(what + " leaks a secret").doesNotContain(s);
      }
    });
    List<String> lines = new ArrayList<>();
    logs.list.forEach(e -> lines.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage())));
    assertThat(lines).isNotEmpty();
    for (String s : secrets) {
      assertThat(lines).as("log lines").noneMatch(l -> l.contains(s));
    }
  }

  private Throwable unreachable() throws Exception {
    MockWebServer closed = new MockWebServer();
    closed.start();
    URI url = URI.create(closed.url("/").toString());
    closed.close();
    InstanceConfig cfg = new InstanceConfig("dev", url, AuthConfig.basic(TestConfigs.USER, Secret.of(TestConfigs.PASSWORD)),
        false, true, io.cloneguard.config.Policy.RESTORE, List.of("mid_server"));
    try (ServiceNowClient c = ServiceNowClients.create(cfg, http(1, 10, 1), new SimpleMeterRegistry(), time.runtime())) {
      return catchThrowable(() -> c.count("sys_user", ""));
    }
  }

  private Throwable refusedToken() throws Exception {
    try (MockWebServer refusing = new MockWebServer()) {
      refusing.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest r) {
          return json(401, "{\"error\":\"invalid_client " + (r.getBody() == null ? "" : r.getBody().utf8()) + "\"}");
        }
      });
      refusing.start();
      try (ServiceNowClient c = ServiceNowClients.create(TestConfigs.oauth(refusing, TestConfigs.USER), http(1, 10, 1),
          new SimpleMeterRegistry(), time.runtime())) {
        return catchThrowable(() -> c.count("sys_user", ""));
      }
    }
  }

  @Test
  void httpClientHeaderAndWireLoggersAreCappedAtInfo() {
    Logger wire = (Logger) LoggerFactory.getLogger("org.apache.hc.client5.http.wire");
    Logger headers = (Logger) LoggerFactory.getLogger("org.apache.hc.client5.http.headers");
    wire.setLevel(Level.DEBUG);
    headers.setLevel(Level.DEBUG);
    try (ServiceNowClient c = ServiceNowClients.create(TestConfigs.basic(server), http(1, 10, 0), new SimpleMeterRegistry(), time.runtime())) {
      assertThat(wire.isDebugEnabled()).isFalse();
      assertThat(headers.isDebugEnabled()).isFalse();
    }
  }

}
