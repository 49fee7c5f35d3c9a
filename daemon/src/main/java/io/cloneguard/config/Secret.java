package io.cloneguard.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A password, token or client secret. It never prints itself: {@code toString()} is {@code ***}.
 * Every place that needs the value calls {@link #reveal()}, so they can be found with grep.
 * Creating a Secret registers its value with {@link SecretMask}, which keeps it out of every log line.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
    SecretMask.register(value);
  }

  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The plain value. Only for the wire (HTTP auth, JDBC login, key derivation). */
  public String reveal() {
    return value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret other
        && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return 0; // constant on purpose: a hash of the value would leak information about it
  }

  @Override
  public String toString() {
    return "***";
  }
}
