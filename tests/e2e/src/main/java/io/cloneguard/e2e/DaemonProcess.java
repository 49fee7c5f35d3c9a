package io.cloneguard.e2e;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A running {@code cloneguard daemon} process and its HTTP endpoints. Stopping it is explicit:
 * {@link #terminate} sends SIGTERM (a graceful stop), {@link #kill} sends SIGKILL (a crash).
 */
public final class DaemonProcess implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final CloneGuardLauncher.Started started;
  private final int metricsPort;

  DaemonProcess(CloneGuardLauncher.Started started, int metricsPort) {
    this.started = started;
    this.metricsPort = metricsPort;
  }

  public long pid() {
    return started.process().pid();
  }

  public boolean isAlive() {
    return started.process().isAlive();
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + metricsPort);
  }

  public URI metricsUri() {
    return baseUri().resolve("/metrics");
  }

  /** True when /readyz answers 200. Callers poll this (tests with Awaitility). */
  public boolean isReady() {
    return LoopbackHttp.get(baseUri().resolve("/readyz")).ok();
  }

  /** The /status document, or empty while the daemon is not answering. */
  public Optional<JsonNode> status() {
    LoopbackHttp.Response response = LoopbackHttp.get(baseUri().resolve("/status"));
    if (!response.ok()) {
      return Optional.empty();
    }
    try {
      return Optional.of(MAPPER.readTree(response.body()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("daemon /status is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The Prometheus exposition text of /metrics, or "" while the daemon is not answering. */
  public String metrics() {
    LoopbackHttp.Response response = LoopbackHttp.get(metricsUri());
    return response.ok() ? response.body() : "";
  }

  /** Sends SIGTERM and waits up to {@code timeout} for the exit; returns the exit code. */
  public int terminate(Duration timeout) {
    started.process().destroy();
    return awaitExit(timeout);
  }

  /** Sends SIGKILL, as a crash or the OOM killer would, and waits for the process to be gone. */
  public void kill() {
    started.process().destroyForcibly();
    awaitExit(Duration.ofSeconds(10));
  }

  /** Waits for the process to exit by itself (e.g. a fatal configuration error); returns the exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!started.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("daemon pid " + pid() + " still running after " + timeout + "\n" + stderr());
      }
      return started.process().exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for daemon pid " + pid(), e);
    }
  }

  public String stdout() {
    return started.stdoutText();
  }

  public String stderr() {
    return started.stderrText();
  }

  @Override
  public void close() {
    if (isAlive()) {
      kill();
    }
  }
}
