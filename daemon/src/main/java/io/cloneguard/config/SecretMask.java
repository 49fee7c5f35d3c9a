package io.cloneguard.config;

import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every secret value this process has loaded, so that log output, exception messages and audit
 * entries can be scrubbed before they leave the process. Global on purpose: Logback appenders
 * are created by Logback, not by us, and must see the same set.
 */
public final class SecretMask {
  /** Values shorter than this are not masked: masking "a" would garble every line. */
  static final int MIN_LENGTH = 4;
  private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();

  private SecretMask() {}

  static void register(String value) {
    if (value != null && value.length() >= MIN_LENGTH) {
      VALUES.add(value);
    }
  }

  /** The text with every known secret value replaced by {@code ***}. */
  public static String mask(String text) {
    if (text == null || VALUES.isEmpty()) {
      return text;
    }
    String result = text;
    // Longest first, so a secret that contains another is masked whole.
    for (String value : VALUES.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
      if (result.contains(value)) {
        result = result.replace(value, "***");
      }
    }
    return result;
  }
}
