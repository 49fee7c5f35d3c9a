package io.cloneguard.sim;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
  record Term(String field, Operator op, String value, Set<String> valueSet) implements Condition {
    /** {@code valueSet} holds the lower-cased items of an IN list, so a long list is not split for every row. */
    Term(String field, Operator op, String value) {
      this(field, op, value, op == Operator.IN || op == Operator.NOT_IN ? items(value) : Set.of());
    }

    private static Set<String> items(String csv) {
      Set<String> items = new HashSet<>();
      for (String item : csv.split(",")) {
        items.add(item.trim().toLowerCase(Locale.ROOT));
      }
      return Set.copyOf(items);
    }

    @Override
    public boolean matches(Map<String, String> row, Resolver resolver) {
      String actual = resolver.value(row, field);
      if (resolver.isList(field)) {
        return matchesList(actual);
      }
      return matchesOne(actual);
    }

    private boolean matchesOne(String actual) {
      return switch (op) {
        case ISEMPTY -> actual.isEmpty();
        case ISNOTEMPTY -> !actual.isEmpty();
        case EQ -> actual.equalsIgnoreCase(value);
        case NE -> !actual.equalsIgnoreCase(value);
        case GT -> compare(actual, value) > 0;
        case GE -> compare(actual, value) >= 0;
        case LT -> compare(actual, value) < 0;
        case LE -> compare(actual, value) <= 0;
        case IN -> valueSet.contains(actual.toLowerCase(Locale.ROOT));
        case NOT_IN -> !valueSet.contains(actual.toLowerCase(Locale.ROOT));
        case LIKE -> containsIgnoreCase(actual, value);
        case NOT_LIKE -> !containsIgnoreCase(actual, value);
        case STARTSWITH -> actual.regionMatches(true, 0, value, 0, value.length());
        case ENDSWITH -> actual.length() >= value.length() && actual.regionMatches(true, actual.length() - value.length(), value, 0, value.length());
      };
    }

    /** A comma-separated list ({@code roles}): {@code =} means "contains the item", the others apply to any item. */
    private boolean matchesList(String actual) {
      switch (op) {
        case ISEMPTY, ISNOTEMPTY, LIKE, NOT_LIKE -> {
          return matchesOne(actual);
        }
        case NE, NOT_IN -> {
          Term positive = new Term(field, op == Operator.NE ? Operator.EQ : Operator.IN, value);
          return !positive.matchesList(actual);
        }
        default -> {
          int from = 0;
          while (from <= actual.length() && !actual.isEmpty()) {
            int comma = actual.indexOf(',', from);
            int to = comma < 0 ? actual.length() : comma;
            if (matchesOne(actual.substring(from, to).trim())) {
              return true;
            }
            if (comma < 0) {
              break;
            }
            from = comma + 1;
          }
          return false;
        }
      }
    }

    private static boolean containsIgnoreCase(String actual, String part) {
      int n = part.length();
      for (int i = 0; i + n <= actual.length(); i++) {
        if (actual.regionMatches(true, i, part, 0, n)) {
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
