package io.cloneguard.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every secret value this process has loaded, so that log output, exception messages and audit
 * entries can be scrubbed before they leave the process. Global on purpose: Logback appenders
 * are created by Logback, not by us, and must see the same set.
 */
public final class SecretMask {
  /** Values shorter than this are not masked: masking "a" would garble every line. */
  static final int MIN_LENGTH = 4;
  /** Longest first, so a secret that contains another is masked whole. Replaced, never changed. */
  private static volatile List<String> values = List.of();

  private SecretMask() {}

  static void register(String value) {
    if (value == null || value.length() < MIN_LENGTH) {
      return;
    }
    synchronized (SecretMask.class) {
      if (values.contains(value)) {
        return;
      }
      List<String> next = new ArrayList<>(values);
      next.add(value);
      next.sort(Comparator.comparingInt(String::length).reversed());
      values = List.copyOf(next);
    }
  }

  /** The text with every known secret value replaced by {@code ***}. */
  public static String mask(String text) {
    List<String> known = values;
    if (text == null || known.isEmpty()) {
      return text;
    }
    String result = text;
    for (String value : known) {
      if (result.contains(value)) {
        result = result.replace(value, "***");
      }
    }
    return result;
  }
}
