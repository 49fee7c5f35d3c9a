package io.cloneguard.servicenow;

import io.cloneguard.config.AuthConfig;
import io.cloneguard.config.ConfigException;
import io.cloneguard.config.HttpConfig;
import io.cloneguard.config.InstanceConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;

/** Builds the {@link ServiceNowClient} for one configured instance. */
public final class ServiceNowClients {
  private ServiceNowClients() {}

  /** A client with real time. Close it to release its connections, threads and meters. */
  public static ServiceNowClient create(InstanceConfig instance, HttpConfig http, MeterRegistry registry) {
    return create(instance, http, registry, ClientRuntime.system());
  }

  /** A client with the given time sources and tuning (tests inject a fake sleeper and clock). */
  public static ServiceNowClient create(InstanceConfig instance, HttpConfig http, MeterRegistry registry, ClientRuntime runtime) {
    validate(instance, http);
    WireLogGuard.apply();
    String name = instance.name();
    URI base = instance.url();
    // First, because a bad trust store or proxy must fail before any meter is registered.
    CloseableHttpClient httpClient = HttpClientFactory.create(name, http);
    ClientMetrics metrics = new ClientMetrics(registry, name);
    Resilience resilience = new Resilience(name, http, runtime, metrics, registry);
    HttpTransport transport = new HttpTransport(name, http, httpClient, resilience, metrics, runtime.clock());
    AuthConfig auth = instance.auth();
    Authenticator authenticator = auth.type() == AuthConfig.Type.OAUTH
        ? new OAuthAuthenticator(name, auth, tokenUri(base), transport, resilience, runtime.clock())
        : new BasicAuthenticator(auth.username(), auth.password());
    ExecutorService pool = Executors.newFixedThreadPool(http.concurrency(), daemonThreads("cloneguard-" + name + "-page-"));
    return new TableApiClient(name, base, http.pageSize(), http.concurrency(), httpClient, transport, resilience, authenticator, pool, metrics);
  }

  private static URI tokenUri(URI base) {
    String s = base.toString();
    return URI.create((s.endsWith("/") ? s : s + "/") + "oauth_token.do");
  }

  private static void validate(InstanceConfig instance, HttpConfig http) {
    String n = instance.name();
    List<String> problems = new ArrayList<>();
    URI url = instance.url();
    if (url == null || url.getHost() == null || !("https".equals(url.getScheme()) || "http".equals(url.getScheme()))) {
      problems.add("instances." + n + ".url: needs an http(s) URL with a host (got " + url + ")");
    } else if (url.getUserInfo() != null) {
      problems.add("instances." + n + ".url: must not contain credentials; put them under auth");
    }
    AuthConfig auth = instance.auth();
    if (auth == null) {
      problems.add("instances." + n + ".auth: missing");
    } else if (auth.type() == AuthConfig.Type.BASIC && (auth.username() == null || auth.password() == null)) {
      problems.add("instances." + n + ".auth: basic needs username and password");
    } else if (auth.type() == AuthConfig.Type.OAUTH && (auth.clientId() == null || auth.clientSecret() == null)) {
      problems.add("instances." + n + ".auth: oauth needs clientId and clientSecret");
    }
    if (http.concurrency() < 1 || http.concurrency() > 64) {
      problems.add("http.concurrency: must be 1..64 (got " + http.concurrency() + ")");
    }
    if (http.pageSize() < 1 || http.pageSize() > 10_000) {
      problems.add("http.pageSize: must be 1..10000, the Table API's usual maximum (got " + http.pageSize() + ")");
    }
    if (http.maxRetries() < 0) {
      problems.add("http.maxRetries: must be >= 0 (got " + http.maxRetries() + ")");
    }
    if (http.connectTimeout() == null || http.connectTimeout().isNegative() || http.connectTimeout().isZero()
        || http.requestTimeout() == null || http.requestTimeout().isNegative() || http.requestTimeout().isZero()) {
      problems.add("http.connectTimeout/requestTimeout: must be positive durations");
    }
    if (http.maxRetryAfter() == null || http.maxRetryAfter().isNegative()) {
      problems.add("http.maxRetryAfter: must be a non-negative duration");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
