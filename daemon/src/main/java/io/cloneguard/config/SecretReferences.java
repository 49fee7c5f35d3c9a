package io.cloneguard.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Expands {@code ${env:NAME}}, {@code ${env:NAME:-default}} and {@code ${file:PATH}} in configuration
 * strings. References nest ({@code ${file:${env:CREDENTIALS_DIRECTORY}/prod.password}}), and
 * {@code $${} stands for a literal {@code ${}. Error messages name the variable or file, never a value.
 */
final class SecretReferences {
  /** A reference cannot be resolved; the message is safe to print. */
  static final class ReferenceException extends RuntimeException {
    ReferenceException(String message) {
      super(message);
    }
  }

  /** The expanded text and whether any reference was used in it. */
  record Expanded(String value, boolean fromReference) {}

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Function<String, String> env;
  private final Path baseDir;
  private final List<String> warnings;

  /**
   * @param env environment lookup (System::getenv in production)
   * @param baseDir directory that relative file references are resolved against (the config file's)
   * @param warnings where non-fatal findings (loose file permissions) are added
   */
  SecretReferences(Function<String, String> env, Path baseDir, List<String> warnings) {
    this.env = env;
    this.baseDir = baseDir;
    this.warnings = warnings;
  }

  Expanded expand(String text) {
    if (!text.contains("${")) {
      return new Expanded(text, false);
    }
    Cursor c = new Cursor(text);
    String value = expand(c, false);
    return new Expanded(value, c.references > 0);
  }

  private static final class Cursor {
    final String text;
    int pos;
    int references;

    Cursor(String text) {
      this.text = text;
    }
  }

  private String expand(Cursor c, boolean inside) {
    StringBuilder out = new StringBuilder();
    String s = c.text;
    while (c.pos < s.length()) {
      if (s.startsWith("$${", c.pos)) {
        out.append("${");
        c.pos += 3;
      } else if (s.startsWith("${", c.pos)) {
        c.pos += 2;
        out.append(reference(c));
      } else if (inside && s.charAt(c.pos) == '}') {
        return out.toString();
      } else {
        out.append(s.charAt(c.pos++));
      }
    }
    if (inside) {
      throw new ReferenceException("unclosed ${ (a reference ends with }); write $${ for a literal ${");
    }
    return out.toString();
  }

  private String reference(Cursor c) {
    String s = c.text;
    int colon = s.indexOf(':', c.pos);
    int close = s.indexOf('}', c.pos);
    String kind = colon < 0 || (close >= 0 && close < colon) ? null : s.substring(c.pos, colon);
    if (!"env".equals(kind) && !"file".equals(kind)) {
      String shown = kind == null ? "${" : "${" + kind + ":";
      throw new ReferenceException("unknown reference " + shown + "...}; use ${env:NAME} or ${file:PATH}");
    }
    c.pos = colon + 1;
    String argument = expand(c, true);
    c.pos++; // the closing brace
    c.references++;
    return kind.equals("env") ? environment(argument) : file(argument);
  }

  private String environment(String argument) {
    int dash = argument.indexOf(":-");
    String name = dash < 0 ? argument : argument.substring(0, dash);
    if (!ENV_NAME.matcher(name).matches()) {
      throw new ReferenceException("${env:" + name + "}: not a valid environment variable name");
    }
    String value = env.apply(name);
    if (value == null || value.isEmpty()) {
      if (dash >= 0) {
        return argument.substring(dash + 2);
      }
      throw new ReferenceException(
          "environment variable " + name + " is " + (value == null ? "not set" : "empty") + " (referenced as ${env:" + name + "})");
    }
    return value;
  }

  private String file(String argument) {
    if (argument.isBlank()) {
      throw new ReferenceException("${file:}: the file path is empty");
    }
    Path path = baseDir.resolve(argument).normalize();
    String content;
    try {
      if (Files.isDirectory(path)) {
        throw new ReferenceException("secret file " + path + " is a directory");
      }
      content = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ReferenceException("secret file " + path + " does not exist");
    } catch (AccessDeniedException e) {
      throw new ReferenceException("cannot read secret file " + path + " (permission denied)");
    } catch (IOException e) {
      throw new ReferenceException("cannot read secret file " + path + " (" + e.getClass().getSimpleName() + ")");
    }
    warnIfLoose(path);
    String value = content.replaceAll("[\r\n]+$", "");
    if (value.isEmpty()) {
      throw new ReferenceException("secret file " + path + " is empty");
    }
    return value;
  }

  private void warnIfLoose(Path path) {
    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    try {
      Set<PosixFilePermission> perms = view.readAttributes().permissions();
      String warning = "secret file " + path + " is readable by group or others; run: chmod 600 " + path;
      boolean loose = perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ);
      if (loose && !warnings.contains(warning)) {
        warnings.add(warning);
      }
    } catch (IOException e) {
      // We could read the file but not its attributes: nothing useful to warn about.
    }
  }
}
