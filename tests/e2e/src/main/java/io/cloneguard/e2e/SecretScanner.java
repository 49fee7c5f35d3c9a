package io.cloneguard.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Looks for every configured secret in captured output, log files and stored files. A finding
 * names the secret by its label ("dev admin password") and where it was seen, never by its value,
 * so a failing scan does not leak the secret into the test report either.
 */
public final class SecretScanner {
  private final List<Labelled> secrets = new ArrayList<>();
  private final List<String> findings = new ArrayList<>();
  private final Set<Path> excluded = new LinkedHashSet<>();

  /** Registers a secret to look for; {@code label} says which one it is in a finding. */
  public synchronized SecretScanner secret(String label, String value) {
    if (value != null && !value.isEmpty()) {
      secrets.add(new Labelled(label, value));
    }
    return this;
  }

  /** Files that are meant to hold a secret (the password files the config references). */
  public synchronized SecretScanner exclude(Path file) {
    excluded.add(file.toAbsolutePath().normalize());
    return this;
  }

  /** Scans one captured text; {@code where} names it ("daemon stderr", "/metrics"). */
  public synchronized SecretScanner scan(String where, String text) {
    if (text == null) {
      return this;
    }
    for (Labelled secret : secrets) {
      int at = text.indexOf(secret.value());
      if (at >= 0) {
        long line = text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
        findings.add(secret.label() + " appears in " + where + " line " + line);
      }
    }
    return this;
  }

  /** Scans every regular file under {@code dir} (logs, audit log, state), byte-wise so binary files count too. */
  public synchronized SecretScanner scanTree(Path dir) {
    if (!Files.isDirectory(dir)) {
      return this;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (!excluded.contains(file.toAbsolutePath().normalize())) {
          scanFile(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not scan " + dir + " for secrets", e);
    }
    return this;
  }

  private void scanFile(Path file) throws IOException {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      return; // a file removed or locked while we walk (the H2 lock file) holds nothing to find
    }
    for (Labelled secret : secrets) {
      if (indexOf(content, secret.value().getBytes(StandardCharsets.UTF_8)) >= 0) {
        findings.add(secret.label() + " appears in file " + file);
      }
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Every place a secret was seen so far; empty is the only acceptable outcome. */
  public synchronized List<String> findings() {
    return List.copyOf(findings);
  }

  public synchronized int secretCount() {
    return secrets.size();
  }

  @Override
  public synchronized String toString() {
    return "SecretScanner" + Arrays.asList(secrets.stream().map(Labelled::label).toArray());
  }

  private record Labelled(String label, String value) {
    @Override
    public String toString() {
      return label;
    }
  }
}
