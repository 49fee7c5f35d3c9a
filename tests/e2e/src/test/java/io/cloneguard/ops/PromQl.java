package io.cloneguard.ops;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough PromQL reading to list the metric names an expression uses, and the documented ones. */
final class PromQl {
  private PromQl() {}

  private static final Set<String> KEYWORDS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "offset", "and", "or", "unless", "bool", "inf", "nan");
  private static final Pattern IDENT = Pattern.compile("(?<![\\w:$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?!\\w)(\\s*\\()?");
  private static final Pattern DOC_NAME = Pattern.compile("`((?:cloneguard|resilience4j)_[a-z0-9_]+|jvm_\\*|process_\\*)");

  /** Metric names in an expression: identifiers that are not functions, keywords, label names or durations. */
  static Set<String> metricNames(String expr) {
    String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // string literals, incl. label values
        .replaceAll("\\{[^}]*}", "{}") // label matchers
        .replaceAll("\\[[^]]*]", "[]") // range durations
        .replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ") // label lists
        .replaceAll("\\boffset\\s+\\w+", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENT.matcher(s);
    while (m.find()) {
      String ident = m.group(1);
      boolean isFunction = m.group(2) != null;
      if (!isFunction && !KEYWORDS.contains(ident.toLowerCase())) {
        names.add(ident);
      }
    }
    return names;
  }

  /**
   * The metric names documented in docs/operations.md's metrics table, plus Prometheus's own {@code up}.
   * Families written as {@code jvm_*} come back as prefixes ending in '_'.
   */
  static Set<String> documentedMetrics(Path root) {
    String doc = OpsEnv.read(root.resolve("docs/operations.md"));
    int start = doc.indexOf("### Metrics reference");
    if (start < 0) {
      throw new IllegalStateException("docs/operations.md has no '### Metrics reference' section");
    }
    Set<String> names = new TreeSet<>();
    Matcher m = DOC_NAME.matcher(doc.substring(start));
    while (m.find()) {
      names.add(m.group(1).replace("*", ""));
    }
    names.add("up");
    return names;
  }

  /** Whether a name is documented, directly, as a summary/timer series (_count, _sum, _max) or in a family. */
  static boolean isDocumented(String name, Set<String> documented) {
    if (documented.contains(name)) {
      return true;
    }
    for (String suffix : new String[] {"_count", "_sum", "_max"}) {
      if (name.endsWith(suffix) && documented.contains(name.substring(0, name.length() - suffix.length()))) {
        return true;
      }
    }
    return documented.stream().anyMatch(d -> d.endsWith("_") && name.startsWith(d));
  }
}
