package io.cloneguard.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLAnchorReplayingFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML file as a Jackson tree plus the line of every key path ({@code instances[1].url}).
 * Jackson's tree keeps no locations, so the token stream is walked here once to build both.
 */
final class YamlDocument {
  /** The file is not valid YAML; {@code line} is 1-based, 0 when unknown. */
  static final class SyntaxError extends RuntimeException {
    final int line;

    SyntaxError(int line, String message) {
      super(message);
      this.line = line;
    }
  }

  private static final YAMLAnchorReplayingFactory FACTORY = new YAMLAnchorReplayingFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final JsonNode root;
  private final Map<String, Integer> lines;
  private final List<String> duplicateKeys;

  private YamlDocument(JsonNode root, Map<String, Integer> lines, List<String> duplicateKeys) {
    this.root = root;
    this.lines = lines;
    this.duplicateKeys = duplicateKeys;
  }

  /** @throws SyntaxError when the text is not YAML */
  static YamlDocument parse(String text) {
    Map<String, Integer> lines = new HashMap<>();
    List<String> duplicates = new ArrayList<>();
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken first = p.nextToken();
      JsonNode root = first == null ? NODES.nullNode() : read(p, "", lines, duplicates);
      return new YamlDocument(root, lines, duplicates);
    } catch (JsonProcessingException e) {
      if (e.getCause() instanceof MarkedYAMLException y && y.getProblem() != null) {
        // SnakeYAML says what is wrong ("expected ',' or ']'") and where, separately from its context.
        int line = y.getProblemMark() == null ? 0 : y.getProblemMark().getLine() + 1;
        String context = y.getContext() == null ? "" : " (" + y.getContext() + ")";
        throw new SyntaxError(line, y.getProblem() + context);
      }
      JsonLocation loc = e.getLocation();
      throw new SyntaxError(loc == null ? 0 : Math.max(loc.getLineNr(), 0), firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "not valid YAML";
    }
    String first = message.strip().lines().findFirst().orElse("not valid YAML");
    return first.endsWith(":") ? first.substring(0, first.length() - 1) : first;
  }

  private static JsonNode read(JsonParser p, String path, Map<String, Integer> lines, List<String> duplicates)
      throws IOException {
    lines.putIfAbsent(path, lineOf(p));
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        ObjectNode object = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          String child = path.isEmpty() ? name : path + "." + name;
          if (object.has(name)) {
            duplicates.add(child);
          }
          lines.put(child, lineOf(p));
          p.nextToken();
          object.set(name, read(p, child, lines, duplicates));
        }
        return object;
      }
      case START_ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          array.add(read(p, path + "[" + i++ + "]", lines, duplicates));
        }
        return array;
      }
      case VALUE_NUMBER_INT -> {
        return NODES.numberNode(p.getBigIntegerValue());
      }
      case VALUE_NUMBER_FLOAT -> {
        return NODES.numberNode(p.getDoubleValue());
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return NODES.booleanNode(t == JsonToken.VALUE_TRUE);
      }
      case VALUE_NULL -> {
        return NODES.nullNode();
      }
      default -> {
        return NODES.textNode(p.getText());
      }
    }
  }

  private static int lineOf(JsonParser p) {
    JsonLocation loc = p.currentTokenLocation();
    return loc == null ? 0 : loc.getLineNr();
  }

  JsonNode root() {
    return root;
  }

  /** Keys given twice in one mapping (YAML would silently keep the last). */
  List<String> duplicateKeys() {
    return duplicateKeys;
  }

  /** The line of {@code path}, or of its nearest parent present in the file; 0 for the document itself. */
  int lineOf(String path) {
    String p = path;
    while (!p.isEmpty()) {
      Integer line = lines.get(p);
      if (line != null) {
        return line;
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut < 0 ? "" : p.substring(0, cut);
    }
    return 0;
  }
}
