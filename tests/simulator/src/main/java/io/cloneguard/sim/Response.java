package io.cloneguard.sim;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the server sends back for one request. */
record Response(int status, Map<String, String> headers, byte[] body, String contentType) {
  static final String JSON = "application/json;charset=UTF-8";
  static final String HTML = "text/html;charset=UTF-8";

  static Response json(int status, byte[] body) {
    return new Response(status, new LinkedHashMap<>(), body, JSON);
  }

  static Response error(int status, String message, String detail) {
    return json(status, Renderer.error(message, detail));
  }

  static Response of(ApiError e) {
    return error(e.status, e.title(), e.detail);
  }

  static Response noContent() {
    return new Response(204, new LinkedHashMap<>(), new byte[0], null);
  }

  static Response html(int status, String title, String text) {
    String page = "<!DOCTYPE html><html><head><title>" + title + "</title></head><body><h1>" + title + "</h1><p>" + text + "</p></body></html>";
    return new Response(status, new LinkedHashMap<>(), page.getBytes(StandardCharsets.UTF_8), HTML);
  }

  static Response unauthorized() {
    Response r = error(401, "User Not Authenticated", "Required to provide Auth information");
    r.headers().put("WWW-Authenticate", "BASIC realm=\"Service-now\"");
    return r;
  }

  Response header(String name, String value) {
    headers.put(name, value);
    return this;
  }
}
