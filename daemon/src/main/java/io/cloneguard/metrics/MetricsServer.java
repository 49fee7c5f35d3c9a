package io.cloneguard.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cloneguard.config.ConfigException;
import io.cloneguard.config.SecretMask;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener on {@code metrics.listen}: {@code /metrics} (Prometheus text or OpenMetrics by
 * content negotiation), {@code /healthz}, {@code /readyz} and {@code /status} (JSON). Health and
 * status come from suppliers so this package does not depend on the scheduler.
 */
public final class MetricsServer implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT).enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /** Problems that make a probe fail; empty means healthy/ready. */
  public interface Probe extends Supplier<List<String>> {}

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts the listener.
   *
   * @param listen {@code host:port}; port 0 picks a free one
   */
  public static MetricsServer start(String listen, PrometheusMeterRegistry registry, Probe health, Probe ready, Supplier<Object> status) {
    InetSocketAddress address = parseListen(listen);
    HttpServer server;
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new ConfigException("metrics.listen: cannot listen on " + listen + ": " + e.getMessage() + " (is the port in use? pick another or 0)");
    }
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "cloneguard-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    // Micrometer's own scrape, not the exporter's MetricsHandler: the exporter jar is a newer
    // client_java than the one Micrometer brings, and the two are not binary compatible.
    server.createContext("/metrics", ex -> scrape(ex, registry));
    server.createContext("/healthz", ex -> probe(ex, health));
    server.createContext("/readyz", ex -> probe(ex, ready));
    server.createContext("/status", ex -> {
      try {
        send(ex, 200, "application/json", SecretMask.mask(JSON.writeValueAsString(status.get())));
      } catch (RuntimeException e) {
        log.warn("/status failed: {}", SecretMask.mask(String.valueOf(e.getMessage())));
        send(ex, 500, "text/plain; charset=utf-8", "status unavailable: " + SecretMask.mask(String.valueOf(e.getMessage())) + "\n");
      }
    });
    server.createContext("/", ex -> send(ex, 404, "text/plain; charset=utf-8", "not found; try /metrics, /healthz, /readyz or /status\n"));
    server.start();
    return new MetricsServer(server, executor);
  }

  static InetSocketAddress parseListen(String listen) {
    String value = listen == null || listen.isBlank() ? "127.0.0.1:9464" : listen.strip();
    int colon = value.lastIndexOf(':');
    if (colon < 0) {
      throw new ConfigException("metrics.listen: expected host:port (got " + value + ")");
    }
    String host = value.substring(0, colon).replace("[", "").replace("]", "");
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port);
    } catch (NumberFormatException e) {
      throw new ConfigException("metrics.listen: port must be 0-65535 (got " + value + ")");
    }
  }

  private static void scrape(HttpExchange ex, PrometheusMeterRegistry registry) throws IOException {
    String accept = String.join(",", ex.getRequestHeaders().getOrDefault("Accept", List.of()));
    String type = accept.contains("application/openmetrics-text") ? OpenMetricsTextFormatWriter.CONTENT_TYPE : PrometheusTextFormatWriter.CONTENT_TYPE;
    ByteArrayOutputStream body = new ByteArrayOutputStream(16_384);
    try {
      registry.scrape(body, type);
    } catch (RuntimeException e) {
      log.warn("/metrics failed: {}", e.toString());
      send(ex, 500, "text/plain; charset=utf-8", "scrape failed\n");
      return;
    }
    try (ex) {
      byte[] bytes = body.toByteArray();
      ex.getResponseHeaders().set("Content-Type", type);
      boolean head = "HEAD".equalsIgnoreCase(ex.getRequestMethod());
      ex.sendResponseHeaders(200, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  private static void probe(HttpExchange ex, Probe probe) throws IOException {
    List<String> problems;
    try {
      problems = probe.get();
    } catch (RuntimeException e) {
      problems = List.of("probe failed: " + e.getMessage());
    }
    if (problems.isEmpty()) {
      send(ex, 200, "text/plain; charset=utf-8", "ok\n");
    } else {
      send(ex, 503, "text/plain; charset=utf-8", SecretMask.mask(String.join("\n", problems)) + "\n");
    }
  }

  private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
    try (ex) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", contentType);
      boolean head = "HEAD".equalsIgnoreCase(ex.getRequestMethod());
      ex.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
