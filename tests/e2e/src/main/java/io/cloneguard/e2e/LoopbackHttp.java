package io.cloneguard.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Small GETs against loopback endpoints (the daemon's /readyz, /status, /metrics). */
final class LoopbackHttp {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private LoopbackHttp() {}

  /** Status code and body, or status 0 when nothing answered. */
  static Response get(URI uri) {
    try {
      HttpResponse<String> response =
          CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    } catch (IOException e) {
      return new Response(0, String.valueOf(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted while calling " + uri, e));
    }
  }

  record Response(int status, String body) {
    boolean ok() {
      return status == 200;
    }
  }
}
