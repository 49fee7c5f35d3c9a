package io.cloneguard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One mapping of the configuration file while it is being read. Every getter records the key as
 * known, reports a bad value to {@link Problems} and returns the default instead, so that reading
 * goes on and every problem is found; {@link #rejectUnknownKeys()} then reports the leftovers.
 */
final class Section {
  private final ObjectNode node;
  private final String path;
  private final Problems problems;
  private final SecretReferences references;
  private final Set<String> known = new LinkedHashSet<>();
  private final boolean malformed;
  /** Keys whose value came from a reference, to the reference text: errors show that, not the value. */
  private final Map<String, String> referenced = new HashMap<>();

  private Section(ObjectNode node, String path, Problems problems, SecretReferences references, boolean malformed) {
    this.node = node;
    this.path = path;
    this.problems = problems;
    this.references = references;
    this.malformed = malformed;
  }

  /** The root or a nested mapping; anything else is reported and read as an empty mapping. */
  static Section of(JsonNode value, String path, Problems problems, SecretReferences references) {
    if (value != null && value.isObject()) {
      return new Section((ObjectNode) value, path, problems, references, false);
    }
    boolean malformed = value != null && !value.isNull();
    if (malformed) {
      problems.add(path, "must be a mapping of keys to values (got " + describe(value) + ")");
    }
    return new Section(JsonNodeFactory.instance.objectNode(), path, problems, references, malformed);
  }

  /** The value was not a mapping (already reported): its required keys should not be reported as missing too. */
  boolean malformed() {
    return malformed;
  }

  String path() {
    return path;
  }

  String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  boolean has(String key) {
    known.add(key);
    JsonNode v = node.get(key);
    return v != null && !v.isNull();
  }

  /**
   * The value as an error message may show it: a value read through {@code ${env:...}} or
   * {@code ${file:...}} is shown as that reference, because it may be a secret in the wrong place.
   */
  String shown(String key, Object value) {
    return referenced.getOrDefault(key, String.valueOf(value));
  }

  boolean isEmptyList(String key) {
    JsonNode v = node.get(key);
    return v != null && v.isArray() && v.isEmpty();
  }

  void problem(String key, String message) {
    problems.add(pathOf(key), message);
  }

  /** A problem with this mapping itself (e.g. a required key is missing). */
  void problem(String message) {
    problems.add(path, message);
  }

  private JsonNode take(String key) {
    known.add(key);
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  /** A scalar as text, references expanded. */
  Optional<String> text(String key) {
    JsonNode v = take(key);
    Optional<SecretReferences.Expanded> e = expanded(key, v);
    e.filter(SecretReferences.Expanded::fromReference).ifPresent(x -> referenced.put(key, v.asText()));
    return e.map(SecretReferences.Expanded::value);
  }

  String text(String key, String defaultValue) {
    return text(key).orElse(defaultValue);
  }

  /** A password, token or client secret. Error messages about it never show the value. */
  Optional<Secret> secret(String key) {
    Optional<String> value = expanded(key, take(key)).map(SecretReferences.Expanded::value);
    if (value.isPresent() && value.get().isEmpty()) {
      problem(key, "must not be empty");
      return Optional.empty();
    }
    return value.map(Secret::of);
  }

  /** The scalar at {@code key} with references expanded; a problem (and empty) when it is not a scalar or a reference fails. */
  private Optional<SecretReferences.Expanded> expanded(String key, JsonNode v) {
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isValueNode()) {
      problem(key, "must be a single value (got " + describe(v) + ")");
      return Optional.empty();
    }
    try {
      return Optional.of(references.expand(v.asText()));
    } catch (SecretReferences.ReferenceException ex) {
      problem(key, ex.getMessage());
      return Optional.empty();
    }
  }

  int integer(String key, int defaultValue, int min, int max) {
    JsonNode v = node.get(key);
    Optional<String> t = text(key);
    if (t.isEmpty()) {
      return defaultValue;
    }
    BigInteger n;
    try {
      n = v.isIntegralNumber() ? v.bigIntegerValue() : new BigInteger(t.get().trim());
    } catch (NumberFormatException e) {
      problem(key, "must be a whole number (got " + shown(key, t.get()) + ")");
      return defaultValue;
    }
    if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
      problem(key, "must be between " + min + " and " + max + " (got " + shown(key, n) + ")");
      return defaultValue;
    }
    return n.intValueExact();
  }

  /** A number greater than 0 and at most {@code max}. */
  double positiveNumber(String key, double defaultValue, double max) {
    Optional<String> t = text(key);
    if (t.isEmpty()) {
      return defaultValue;
    }
    double d;
    try {
      d = Double.parseDouble(t.get().trim());
    } catch (NumberFormatException e) {
      problem(key, "must be a number (got " + shown(key, t.get()) + ")");
      return defaultValue;
    }
    if (!(d > 0) || d > max) {
      problem(key, "must be greater than 0 and at most " + format(max) + " (got " + shown(key, t.get().trim()) + ")");
      return defaultValue;
    }
    return d;
  }

  boolean bool(String key, boolean defaultValue) {
    Optional<String> t = text(key);
    if (t.isEmpty()) {
      return defaultValue;
    }
    return switch (t.get().trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        problem(key, "must be true or false (got " + shown(key, t.get()) + ")");
        yield defaultValue;
      }
    };
  }

  /** A duration like {@code 30s}; zero only when {@code allowZero}. */
  Duration duration(String key, Duration defaultValue, boolean allowZero) {
    Optional<String> t = text(key);
    if (t.isEmpty()) {
      return defaultValue;
    }
    Optional<Duration> d = Durations.parse(t.get());
    if (d.isEmpty() || d.get().isNegative()) {
      problem(key, "must be a duration like 500ms, 30s, 5m or 1h (got " + shown(key, t.get()) + ")");
      return defaultValue;
    }
    if (d.get().isZero() && !allowZero) {
      problem(key, "must be longer than 0 (got " + shown(key, t.get()) + ")");
      return defaultValue;
    }
    return d.get();
  }

  /** A nested mapping; absent means all its defaults. */
  Section section(String key) {
    return Section.of(take(key), pathOf(key), problems, references);
  }

  /** A list of mappings, or empty when the key is absent. */
  List<Section> sections(String key) {
    JsonNode v = take(key);
    List<Section> result = new ArrayList<>();
    if (v == null) {
      return result;
    }
    if (!v.isArray()) {
      problem(key, "must be a list (got " + describe(v) + ")");
      return result;
    }
    for (int i = 0; i < v.size(); i++) {
      result.add(Section.of(v.get(i), pathOf(key) + "[" + i + "]", problems, references));
    }
    return result;
  }

  /** A list of non-empty strings, or empty when the key is absent. */
  Optional<List<String>> strings(String key) {
    JsonNode v = take(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isArray()) {
      problem(key, "must be a list like [a, b] (got " + describe(v) + ")");
      return Optional.empty();
    }
    List<String> result = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode item = v.get(i);
      String itemPath = pathOf(key) + "[" + i + "]";
      if (item == null || !item.isValueNode() || item.isNull() || item.asText().isBlank()) {
        problems.add(itemPath, "must be a non-empty text value");
      } else {
        result.add(item.asText().trim());
      }
    }
    return Optional.of(result);
  }

  /** Reports every key of this mapping that no getter asked for, with a "did you mean". */
  void rejectUnknownKeys() {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        problems.add(pathOf(name), "unknown key; " + suggestion(name));
      }
    }
  }

  private String suggestion(String name) {
    String lower = name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    Optional<String> best =
        known.stream()
            .min(Comparator.comparingInt(k -> distance(lower, k.toLowerCase(Locale.ROOT))))
            .filter(k -> distance(lower, k.toLowerCase(Locale.ROOT)) <= Math.max(2, k.length() / 3));
    return best.map(k -> "did you mean " + k + "?").orElseGet(() -> "expected one of: " + String.join(", ", known));
  }

  /** Levenshtein edit distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  static String describe(JsonNode v) {
    if (v.isObject()) {
      return "a mapping";
    }
    if (v.isArray()) {
      return "a list";
    }
    return v.asText();
  }

  private static String format(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
