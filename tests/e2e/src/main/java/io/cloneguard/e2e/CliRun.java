package io.cloneguard.e2e;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;

/** What one finished {@code cloneguard} command did: its exit code and everything it printed. */
public record CliRun(List<String> args, int exitCode, String stdout, String stderr, Duration took) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** stdout parsed as the JSON document that {@code --output json} promises. */
  public JsonNode json() {
    try {
      return MAPPER.readTree(stdout);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cloneguard " + String.join(" ", args) + " did not print JSON on stdout: " + e.getOriginalMessage()
          + "\nstdout: " + stdout + "\nstderr: " + stderr, e);
    }
  }

  /** The non-empty lines written to stderr. */
  public List<String> stderrLines() {
    return stderr.lines().filter(l -> !l.isBlank()).toList();
  }

  /** For assertion messages: the command, its exit code and both streams. */
  public String describe() {
    return "cloneguard " + String.join(" ", args) + " -> exit " + exitCode + " in " + took.toMillis() + " ms\n--- stdout\n" + stdout
        + "--- stderr\n" + stderr;
  }
}
