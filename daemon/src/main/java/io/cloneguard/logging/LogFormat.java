package io.cloneguard.logging;

/** {@code --log-format}: readable lines for a terminal, or one JSON object per line for journald and log shippers. */
public enum LogFormat {
  text,
  json
}
