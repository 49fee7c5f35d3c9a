package io.cloneguard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A tiny real HTTP client for the tests: Basic auth, JSON bodies, the raw response kept. */
final class Api {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final URI base;
  private final String authorization;

  Api(SimInstance instance, String user, String password) {
    this(instance.url(), user == null ? null : basic(user, password));
  }

  Api(URI base, String authorization) {
    this.base = base;
    this.authorization = authorization;
  }

  static Api admin(SimInstance instance) {
    return new Api(instance, instance.adminUser(), instance.adminPassword());
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  record Reply(int status, HttpResponse<String> raw) {
    JsonNode json() {
      try {
        return JSON.readTree(raw.body());
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + raw.body(), e);
      }
    }

    JsonNode result() {
      return json().get("result");
    }

    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    String body() {
      return raw.body();
    }
  }

  Reply get(String pathAndQuery) {
    return send("GET", pathAndQuery, null);
  }

  Reply post(String pathAndQuery, Object body) {
    return send("POST", pathAndQuery, body);
  }

  Reply patch(String pathAndQuery, Object body) {
    return send("PATCH", pathAndQuery, body);
  }

  Reply put(String pathAndQuery, Object body) {
    return send("PUT", pathAndQuery, body);
  }

  Reply delete(String pathAndQuery) {
    return send("DELETE", pathAndQuery, null);
  }

  Reply send(String method, String pathAndQuery, Object body) {
    try {
      String text = body == null ? "" : body instanceof String s ? s : JSON.writeValueAsString(body);
      HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(10))
          .header("Accept", "application/json")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
      if (body != null) {
        b.header("Content-Type", "application/json");
      }
      if (authorization != null) {
        b.header("Authorization", authorization);
      }
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
