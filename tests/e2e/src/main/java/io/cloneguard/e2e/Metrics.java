package io.cloneguard.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of Prometheus exposition text, as a scraper would. */
public final class Metrics {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+\\d+)?$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private Metrics() {}

  /** One sample: its name, labels and value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  public static List<Sample> parse(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line.trim());
      if (!m.matches()) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      try {
        out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
      } catch (NumberFormatException e) {
        // NaN and friends are parsed by Double; anything else is not a sample we can use
      }
    }
    return out;
  }

  /** Samples named {@code name} carrying every {@code label=value} given. */
  public static List<Sample> select(String text, String name, String... labels) {
    return parse(text).stream().filter(s -> s.name().equals(name) && matches(s, labels)).toList();
  }

  /** The value of the one matching sample, or the sum when several match; empty when none does. */
  public static Optional<Double> value(String text, String name, String... labels) {
    List<Sample> samples = select(text, name, labels);
    return samples.isEmpty() ? Optional.empty() : Optional.of(samples.stream().mapToDouble(Sample::value).sum());
  }

  private static boolean matches(Sample s, String... labels) {
    for (String kv : labels) {
      int eq = kv.indexOf('=');
      if (!kv.substring(eq + 1).equals(s.labels().get(kv.substring(0, eq)))) {
        return false;
      }
    }
    return true;
  }
}
