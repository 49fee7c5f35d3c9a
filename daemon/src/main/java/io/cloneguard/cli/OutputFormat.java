package io.cloneguard.cli;

/** {@code --output text|json} of the commands that print data. */
public enum OutputFormat {
  text,
  json
}
