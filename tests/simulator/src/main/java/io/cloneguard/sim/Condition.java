package io.cloneguard.sim;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A parsed encoded-query condition, evaluated against one stored row. */
sealed interface Condition {

  /** Reads a field of a row, following one level of dot-walk; derived fields like {@code roles} included. */
  interface Resolver {
    String value(Map<String, String> row, String field);

    /** True for fields holding a comma-separated list where {@code =} means "contains" ({@code sys_user.roles}). */
    boolean isList(String field);
  }

  boolean matches(Map<String, String> row, Resolver resolver);

  Condition ALL = new And(List.of());

  record And(List<Condition> parts) implements Condition {
    @Override
    public boolean matches(Map<String, String> row, Resolver resolver) {
      for (Condition part : parts) {
        if (!part.matches(row, resolver)) {
          return false;
        }
      }
      return true;
    }
  }

  record Or(List<Condition> parts) implements Condition {
    @Override
    public boolean matches(Map<String, String> row, Resolver resolver) {
      for (Condition part : parts) {
        if (part.matches(row, resolver)) {
          return true;
        }
      }
      return parts.isEmpty();
    }
  }

  /** The operators of the encoded query language, longest spelling first so parsing can match by prefix. */
  enum Operator {
    ISNOTEMPTY("ISNOTEMPTY"), ISEMPTY("ISEMPTY"), NE("!="), GE(">="), LE("<="), EQ("="), GT(">"), LT("<"),
    NOT_IN("NOT IN"), IN("IN"), NOT_LIKE("NOT LIKE"), LIKE("LIKE"), STARTSWITH("STARTSWITH"), ENDSWITH("ENDSWITH");

    final String token;

    Operator(String token) {
      this.token = token;
    }

    boolean takesValue() {
      return this != ISEMPTY && this != ISNOTEMPTY;
    }
  }

  /** One {@code field OP value} term. Text comparisons ignore case, as on the platform's default collation. */
  record Term(String field, Operator op, String value) implements Condition {
    @Override
    public boolean matches(Map<String, String> row, Resolver resolver) {
      String actual = resolver.value(row, field);
      if (resolver.isList(field)) {
        return matchesList(actual);
      }
      String a = actual.toLowerCase(Locale.ROOT);
      String v = value.toLowerCase(Locale.ROOT);
      return switch (op) {
        case ISEMPTY -> actual.isEmpty();
        case ISNOTEMPTY -> !actual.isEmpty();
        case EQ -> a.equals(v);
        case NE -> !a.equals(v);
        case GT -> compare(actual, value) > 0;
        case GE -> compare(actual, value) >= 0;
        case LT -> compare(actual, value) < 0;
        case LE -> compare(actual, value) <= 0;
        case IN -> inList(a, v);
        case NOT_IN -> !inList(a, v);
        case LIKE -> a.contains(v);
        case NOT_LIKE -> !a.contains(v);
        case STARTSWITH -> a.startsWith(v);
        case ENDSWITH -> a.endsWith(v);
      };
    }

    private boolean matchesList(String actual) {
      List<String> items = actual.isEmpty() ? List.of() : List.of(actual.toLowerCase(Locale.ROOT).split(","));
      String v = value.toLowerCase(Locale.ROOT);
      return switch (op) {
        case EQ -> items.contains(v);
        case NE -> !items.contains(v);
        case IN -> items.stream().anyMatch(i -> inList(i, v));
        case NOT_IN -> items.stream().noneMatch(i -> inList(i, v));
        case ISEMPTY -> items.isEmpty();
        case ISNOTEMPTY -> !items.isEmpty();
        case LIKE -> actual.toLowerCase(Locale.ROOT).contains(v);
        case NOT_LIKE -> !actual.toLowerCase(Locale.ROOT).contains(v);
        default -> items.stream().anyMatch(i -> new Term(field, op, value).matchesPlain(i));
      };
    }

    private boolean matchesPlain(String item) {
      return switch (op) {
        case STARTSWITH -> item.startsWith(value.toLowerCase(Locale.ROOT));
        case ENDSWITH -> item.endsWith(value.toLowerCase(Locale.ROOT));
        case GT -> compare(item, value) > 0;
        case GE -> compare(item, value) >= 0;
        case LT -> compare(item, value) < 0;
        case LE -> compare(item, value) <= 0;
        default -> false;
      };
    }

    private static boolean inList(String actual, String csv) {
      for (String candidate : csv.split(",")) {
        if (candidate.trim().equals(actual)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Numbers compare as numbers, everything else (including "YYYY-MM-DD HH:MM:SS" dates) as text. */
  static int compare(String a, String b) {
    if (isNumber(a) && isNumber(b)) {
      return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
    }
    return a.compareToIgnoreCase(b);
  }

  private static boolean isNumber(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isDigit(c) || (c == '-' && i == 0) || c == '.')) {
        return false;
      }
    }
    return !s.equals("-") && !s.equals(".");
  }
}
