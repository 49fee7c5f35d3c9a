package io.cloneguard.servicenow;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Reads Table API envelopes with Jackson's streaming parser, so a page is never held as a tree,
 * and writes request bodies. Every value becomes a string; a reference {@code {"link","value"}}
 * becomes its sys_id; {@code {"display_value","value"}} is split into value and display value.
 */
final class RecordJson {
  static final JsonFactory FACTORY = JsonFactory.builder().build();

  private RecordJson() {}

  /** Streams every row of {@code {"result":[...]}} to {@code sink}. */
  static void readList(InputStream in, String table, Consumer<Record> sink) throws IOException {
    try (JsonParser p = FACTORY.createParser(in)) {
      expectResultField(p);
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new JsonParseException(p, "\"result\" is not an array");
      }
      while (p.nextToken() == JsonToken.START_OBJECT) {
        sink.accept(readRecord(p, table));
      }
      if (p.currentToken() != JsonToken.END_ARRAY) {
        throw new JsonParseException(p, "\"result\" holds something other than objects");
      }
    }
  }

  /** The object of {@code {"result":{...}}}. */
  static Record readOne(InputStream in, String table) throws IOException {
    try (JsonParser p = FACTORY.createParser(in)) {
      expectResultField(p);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(p, "\"result\" is not an object");
      }
      return readRecord(p, table);
    }
  }

  /** {@code {"result":{"stats":{"count":"12"}}}} → 12. */
  static long readCount(InputStream in) throws IOException {
    try (JsonParser p = FACTORY.createParser(in)) {
      expectResultField(p);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(p, "\"result\" is not an object");
      }
      Record result = readRecord(p, "stats");
      String count = result.get("stats.count");
      try {
        return Long.parseLong(count);
      } catch (NumberFormatException e) {
        throw new JsonParseException(p, "no numeric result.stats.count (got \"" + count + "\")");
      }
    }
  }

  /** A flat JSON object of top-level fields as strings (OAuth token responses, error envelopes). */
  static Map<String, String> readFlat(InputStream in) throws IOException {
    try (JsonParser p = FACTORY.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(p, "expected a JSON object");
      }
      return readRecord(p, "").values();
    }
  }

  private static void expectResultField(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new JsonParseException(p, "expected a JSON object");
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      if ("result".equals(p.currentName())) {
        return;
      }
      p.nextToken();
      p.skipChildren();
    }
    throw new JsonParseException(p, "no \"result\" field");
  }

  /** Reads the object whose START_OBJECT is the current token. Nested plain objects flatten to {@code a.b}. */
  private static Record readRecord(JsonParser p, String table) throws IOException {
    // TreeMaps, because Record copies into one: from a sorted map that copy is linear.
    Map<String, String> values = new TreeMap<>();
    Map<String, String> display = new TreeMap<>();
    readFields(p, "", values, display);
    return new Record(table, values, display);
  }

  private static void readFields(JsonParser p, String prefix, Map<String, String> values, Map<String, String> display)
      throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = prefix + p.currentName();
      JsonToken t = p.nextToken();
      switch (t) {
        case START_OBJECT -> readObjectValue(p, name, values, display);
        case START_ARRAY -> values.put(name, readArrayAsText(p));
        case VALUE_NULL -> values.put(name, "");
        case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> values.put(name, p.getText());
        default -> throw new JsonParseException(p, "unexpected " + t + " for field " + name);
      }
    }
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw new JsonParseException(p, "object not closed");
    }
  }

  /** A reference, a display/value pair, or a nested object (flattened with dots). */
  private static void readObjectValue(JsonParser p, String name, Map<String, String> values, Map<String, String> display)
      throws IOException {
    Map<String, String> inner = new HashMap<>();
    Map<String, String> innerDisplay = new HashMap<>();
    readFields(p, "", inner, innerDisplay);
    if (inner.containsKey("value") && (inner.containsKey("link") || inner.containsKey("display_value"))) {
      values.put(name, inner.get("value"));
      if (inner.containsKey("display_value")) {
        display.put(name, inner.get("display_value"));
      }
      return;
    }
    inner.forEach((k, v) -> values.put(name + "." + k, v));
    innerDisplay.forEach((k, v) -> display.put(name + "." + k, v));
  }

  private static String readArrayAsText(JsonParser p) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() == null) {
        throw new JsonParseException(p, "array not closed");
      }
      if (p.currentToken().isStructStart()) {
        p.skipChildren();
        continue;
      }
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(p.getText());
    }
    return sb.toString();
  }

  /** A JSON object of string fields. */
  static byte[] write(Map<String, String> values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      for (var e : values.entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A short, single-line excerpt of a body for an error message (the caller masks secrets). */
  static String excerpt(byte[] body, int max) {
    String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
    return text.length() <= max ? text : text.substring(0, max) + "...";
  }

  /** The error envelope's message and detail, or empty when the body is not one. */
  static String errorMessage(byte[] body) {
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return "";
      }
      Map<String, String> flat = readRecord(p, "").values();
      String message = flat.getOrDefault("error.message", "");
      String detail = flat.getOrDefault("error.detail", "");
      return List.of(message, detail).stream().filter(s -> !s.isBlank()).reduce((a, b) -> a + " (" + b + ")").orElse("");
    } catch (IOException e) {
      return "";
    }
  }
}
