package io.cloneguard.config;

import java.util.List;

/** The configuration cannot be used. Carries every problem found, one line each. */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String problem) {
    this(List.of(problem));
  }

  /** One line per problem, e.g. {@code cloneguard.yaml:14: instances[1].url: must use https (got http://dev.example.com)}. */
  public List<String> problems() {
    return problems;
  }
}
