package io.cloneguard.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects every problem found in one configuration file, so that the user sees them all at once.
 * Each becomes one line {@code file:line: key.path: message}, masked when thrown (by then every
 * secret in the file is known, including those on later lines).
 */
final class Problems {
  private record Problem(int line, String text) {}

  private final String fileName;
  private final YamlDocument document;
  private final List<Problem> problems = new ArrayList<>();

  Problems(String fileName, YamlDocument document) {
    this.fileName = fileName;
    this.document = document;
  }

  /** A problem with the value at {@code path} (or, when it is absent, with its nearest present parent). */
  void add(String path, String message) {
    int line = document == null ? 0 : document.lineOf(path);
    String where = line > 0 ? fileName + ":" + line : fileName;
    String prefix = path.isEmpty() ? where + ": " : where + ": " + path + ": ";
    problems.add(new Problem(line, prefix + message));
  }

  /** A problem with the file as a whole, at a known line (0 when none). */
  void addAt(int line, String message) {
    String where = line > 0 ? fileName + ":" + line : fileName;
    problems.add(new Problem(line, where + ": " + message));
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  /** @throws ConfigException with every problem, ordered by line, when there is any */
  void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new ConfigException(
          problems.stream().sorted(Comparator.comparingInt(Problem::line)).map(p -> SecretMask.mask(p.text())).toList());
    }
  }
}
