package io.cloneguard.sim;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes records the way the Table API does: every field present, every value a string,
 * references as {@code {"link","value"}} (or plain with sysparm_exclude_reference_link), display
 * values for {@code sysparm_display_value=true|all}, dot-walked fields as flat keys. Call it under
 * the database's read lock, as it looks referenced records up.
 */
final class Renderer {
  static final JsonFactory JSON = new JsonFactory();

  enum Display {
    FALSE, TRUE, ALL;

    static Display of(String value) {
      return switch (value == null ? "false" : value.toLowerCase(Locale.ROOT)) {
        case "true" -> TRUE;
        case "all" -> ALL;
        default -> FALSE;
      };
    }
  }

  /** What the request asked for: fields (empty = all), display mode, reference links. */
  record Options(List<String> fields, Display display, boolean excludeLinks) {
    static Options of(Params p) {
      String f = p.get("sysparm_fields", "");
      List<String> fields = f.isBlank() ? List.of() : List.of(f.replace(" ", "").split(","));
      return new Options(fields, Display.of(p.get("sysparm_display_value")), p.flag("sysparm_exclude_reference_link"));
    }
  }

  private final Database db;
  private final String baseUrl;

  Renderer(Database db, String baseUrl) {
    this.db = db;
    this.baseUrl = baseUrl;
  }

  byte[] list(String table, List<Map<String, String>> rows, Options o) {
    return write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("result");
      List<String> fields = fieldsOf(table, o);
      for (Map<String, String> row : rows) {
        record(g, table, row, fields, o);
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  byte[] one(String table, Map<String, String> row, Options o) {
    return write(g -> {
      g.writeStartObject();
      g.writeFieldName("result");
      record(g, table, row, fieldsOf(table, o), o);
      g.writeEndObject();
    });
  }

  static byte[] error(String message, String detail) {
    return write(g -> {
      g.writeStartObject();
      g.writeObjectFieldStart("error");
      g.writeStringField("message", message);
      if (detail == null) {
        g.writeNullField("detail");
      } else {
        g.writeStringField("detail", detail);
      }
      g.writeEndObject();
      g.writeStringField("status", "failure");
      g.writeEndObject();
    });
  }

  private List<String> fieldsOf(String table, Options o) {
    return o.fields().isEmpty() ? db.fieldsLocked(table) : o.fields();
  }

  private void record(JsonGenerator g, String table, Map<String, String> row, List<String> fields, Options o) throws IOException {
    g.writeStartObject();
    for (String field : fields) {
      g.writeFieldName(field);
      if (field.indexOf('.') >= 0 || "user_password".equals(field)) {
        g.writeString(db.value(table, row, field));
        continue;
      }
      String value = row.getOrDefault(field, "");
      String target = Schema.referenceTarget(table, field);
      if (target != null) {
        reference(g, target, value, o);
      } else if (o.display() == Display.ALL) {
        g.writeStartObject();
        g.writeStringField("display_value", value);
        g.writeStringField("value", value);
        g.writeEndObject();
      } else {
        g.writeString(value);
      }
    }
    g.writeEndObject();
  }

  private void reference(JsonGenerator g, String target, String value, Options o) throws IOException {
    if (value.isEmpty() && o.display() != Display.ALL) {
      g.writeString("");
      return;
    }
    String link = baseUrl + "/api/now/table/" + target + "/" + value;
    switch (o.display()) {
      case FALSE -> {
        if (o.excludeLinks()) {
          g.writeString(value);
        } else {
          g.writeStartObject();
          g.writeStringField("link", link);
          g.writeStringField("value", value);
          g.writeEndObject();
        }
      }
      case TRUE -> {
        if (o.excludeLinks()) {
          g.writeString(db.display(target, value));
        } else {
          g.writeStartObject();
          g.writeStringField("display_value", db.display(target, value));
          g.writeStringField("link", link);
          g.writeEndObject();
        }
      }
      case ALL -> {
        g.writeStartObject();
        g.writeStringField("display_value", db.display(target, value));
        if (!o.excludeLinks() && !value.isEmpty()) {
          g.writeStringField("link", link);
        }
        g.writeStringField("value", value);
        g.writeEndObject();
      }
    }
  }

  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
