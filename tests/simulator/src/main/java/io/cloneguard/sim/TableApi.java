package io.cloneguard.sim;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/** {@code /api/now/table/{table}[/{sys_id}]} and {@code /api/now/stats/{table}}. */
final class TableApi {
  static final int MAX_LIMIT = 10_000;

  private final Database db;
  private final Renderer renderer;
  private final String baseUrl;
  private final Set<String> writeRoles;
  private final BiConsumer<String, Map<String, String>> afterInsert;

  /** {@code afterInsert} sees every record created through the API (the clone engine watches clone_instance). */
  TableApi(Database db, String baseUrl, Set<String> writeRoles, BiConsumer<String, Map<String, String>> afterInsert) {
    this.db = db;
    this.baseUrl = baseUrl;
    this.renderer = new Renderer(db, baseUrl);
    this.writeRoles = writeRoles;
    this.afterInsert = afterInsert;
  }

  Response table(String method, String path, String table, String sysId, Params p, byte[] body, Auth.Principal who) {
    boolean write = !method.equals("GET") && !method.equals("HEAD");
    if (write && !who.holdsAny(writeRoles)) {
      String verb = switch (method) {
        case "POST" -> "Insert";
        case "DELETE" -> "Delete";
        default -> "Update";
      };
      return Response.error(403, "Operation Failed", "ACL Exception " + verb + " Failed due to security constraints");
    }
    Renderer.Options o = Renderer.Options.of(p);
    boolean passwordInput = p.flag("sysparm_input_display_value");
    return switch (method) {
      case "GET" -> sysId == null ? list(path, table, p, o) : get(table, sysId, o);
      case "POST" -> {
        if (sysId != null) {
          yield Response.error(405, "Method not Supported", "POST takes no sys_id in the path: POST /api/now/table/" + table);
        }
        Map<String, String> row = db.insert(table, values(body, table, passwordInput), who.userName(), passwordInput, true);
        afterInsert.accept(table, row);
        yield Response.json(201, db.read(() -> renderer.one(table, row, o)))
            .header("Location", baseUrl + "/api/now/table/" + table + "/" + row.get("sys_id"));
      }
      case "PATCH", "PUT" -> {
        if (sysId == null) {
          yield Response.error(405, "Method not Supported", method + " needs a sys_id: " + method + " /api/now/table/" + table + "/{sys_id}");
        }
        Map<String, String> row = db.update(table, sysId, values(body, table, passwordInput), who.userName(), passwordInput, true);
        yield Response.json(200, db.read(() -> renderer.one(table, row, o)));
      }
      case "DELETE" -> {
        if (sysId == null) {
          yield Response.error(405, "Method not Supported", "DELETE needs a sys_id: DELETE /api/now/table/" + table + "/{sys_id}");
        }
        db.delete(table, sysId);
        yield Response.noContent();
      }
      default -> Response.error(405, "Method not Supported", method + " is not supported by the Table API");
    };
  }

  private Response get(String table, String sysId, Renderer.Options o) {
    return db.read(() -> {
      Map<String, String> row = db.raw(table, sysId);
      if (row == null) {
        throw ApiError.notFound(table, sysId);
      }
      return Response.json(200, renderer.one(table, row, o));
    });
  }

  private Response list(String path, String table, Params p, Renderer.Options o) {
    int limit = Math.min(p.integer("sysparm_limit", MAX_LIMIT), MAX_LIMIT);
    int offset = p.integer("sysparm_offset", 0);
    boolean noCount = p.flag("sysparm_no_count");
    Query query = db.parse(table, p.get("sysparm_query", ""));
    return db.read(() -> {
      Database.Page page = db.selectLocked(table, query, offset, limit, !noCount);
      Response r = Response.json(200, renderer.list(table, page.rows(), o));
      if (!noCount) {
        r.header("X-Total-Count", String.valueOf(page.total()));
      }
      r.header("Link", links(path, p, offset, limit, page));
      return r;
    });
  }

  /** The Link header: first, prev, next and (when counted) last, echoing the request's parameters. */
  private String links(String path, Params p, int offset, int limit, Database.Page page) {
    StringBuilder sb = new StringBuilder();
    int step = Math.max(limit, 1);
    link(sb, path, p, 0, limit, "first");
    if (offset > 0) {
      link(sb, path, p, Math.max(0, offset - step), limit, "prev");
    }
    if (page.more()) {
      link(sb, path, p, offset + step, limit, "next");
    }
    if (page.total() >= 0) {
      int last = page.total() == 0 ? 0 : ((page.total() - 1) / step) * step;
      link(sb, path, p, last, limit, "last");
    }
    return sb.toString();
  }

  private void link(StringBuilder sb, String path, Params p, int offset, int limit, String rel) {
    if (sb.length() > 0) {
      sb.append(',');
    }
    String query = p.with(Map.of("sysparm_offset", String.valueOf(offset), "sysparm_limit", String.valueOf(limit)));
    sb.append('<').append(baseUrl).append(path).append('?').append(query).append(">;rel=\"").append(rel).append('"');
  }

  Response stats(String method, String table, Params p) {
    if (!method.equals("GET")) {
      return Response.error(405, "Method not Supported", method + " is not supported by the Aggregate API");
    }
    Query query = db.parse(table, p.get("sysparm_query", ""));
    byte[] body = Renderer.write(g -> {
      g.writeStartObject();
      g.writeObjectFieldStart("result");
      if (p.flag("sysparm_count")) {
        g.writeObjectFieldStart("stats");
        g.writeStringField("count", String.valueOf(db.count(table, query)));
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeEndObject();
    });
    return Response.json(200, body);
  }

  /**
   * The JSON body as field values: every value becomes a string, a reference object gives its
   * {@code value}. Streaming parse: the simulator never loads Jackson databind (it costs ~200 ms at start).
   */
  private Map<String, String> values(byte[] body, String table, boolean displayInput) {
    Map<String, String> values = new LinkedHashMap<>();
    if (body.length == 0) {
      return values;
    }
    try (JsonParser p = Renderer.JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw ApiError.badRequest("Exception while reading request", "The payload must be one JSON object of field values");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        String text;
        if (t == JsonToken.START_OBJECT) {
          text = "";
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String inner = p.currentName();
            p.nextToken();
            if (inner.equals("value") && p.currentToken().isScalarValue()) {
              text = p.getValueAsString("");
            } else {
              p.skipChildren();
            }
          }
        } else if (t == JsonToken.START_ARRAY) {
          p.skipChildren();
          text = "";
        } else if (t == JsonToken.VALUE_NULL) {
          text = "";
        } else {
          text = p.getValueAsString("");
        }
        values.put(field, displayInput ? referenceByDisplay(table, field, text) : text);
      }
      if (p.nextToken() != null) {
        throw ApiError.badRequest("Exception while reading request", "The payload has content after the JSON object");
      }
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest("Exception while reading request", "The payload is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiError.badRequest("Exception while reading request", "The payload could not be read: " + e.getMessage());
    }
    return values;
  }

  /** With sysparm_input_display_value a reference may be given by its display value; a sys_id still works. */
  private String referenceByDisplay(String table, String field, String text) {
    String target = Schema.referenceTarget(table, field);
    if (target == null || text.isEmpty() || "sys_domain".equals(field)) {
      return text;
    }
    return db.read(() -> {
      if (db.raw(target, text) != null) {
        return text;
      }
      Schema.Def def = Schema.defOrNull(target);
      String displayField = def == null ? "name" : def.displayField();
      var hits = db.rawWhere(target, r -> text.equals(r.get(displayField)));
      return hits.size() == 1 ? hits.get(0).get("sys_id") : text;
    });
  }
}
