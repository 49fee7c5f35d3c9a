package io.cloneguard.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses ServiceNow encoded queries ({@code active=true^user_nameSTARTSWITHmid^ORemailISEMPTY^ORDERBYname}).
 * Like the platform, a term naming a field the table does not have, or one it cannot parse, is
 * silently dropped and the rest still runs: that is the trap CloneGuard must guard against.
 */
final class QueryParser {

  /** What the parser needs to know about a table to drop unknown fields. */
  interface Fields {
    boolean exists(String table, String field);

    /** The table a reference field points to, or null when it is not a reference. */
    String referenceTarget(String table, String field);
  }

  private final Fields fields;

  QueryParser(Fields fields) {
    this.fields = fields;
  }

  Query parse(String table, String encoded) {
    if (encoded == null || encoded.isBlank()) {
      return Query.ALL;
    }
    List<Query.Order> orders = new ArrayList<>();
    List<Condition> groups = new ArrayList<>();
    for (String group : encoded.split("\\^NQ")) {
      List<List<Condition>> ands = new ArrayList<>();
      for (String raw : group.split("\\^")) {
        String term = raw.trim();
        if (term.isEmpty() || term.equals("EQ")) {
          continue;
        }
        if (term.startsWith("ORDERBYDESC")) {
          addOrder(table, orders, term.substring("ORDERBYDESC".length()), true);
        } else if (term.startsWith("ORDERBY")) {
          addOrder(table, orders, term.substring("ORDERBY".length()), false);
        } else if (term.startsWith("OR") && !ands.isEmpty()) {
          Condition c = term(table, term.substring(2));
          if (c != null) {
            ands.get(ands.size() - 1).add(c);
          }
        } else {
          Condition c = term(table, term);
          if (c != null) {
            ands.add(new ArrayList<>(List.of(c)));
          }
        }
      }
      List<Condition> parts = new ArrayList<>();
      for (List<Condition> ors : ands) {
        parts.add(ors.size() == 1 ? ors.get(0) : new Condition.Or(List.copyOf(ors)));
      }
      groups.add(new Condition.And(List.copyOf(parts)));
    }
    Condition condition = groups.size() == 1 ? groups.get(0) : new Condition.Or(List.copyOf(groups));
    return new Query(condition, orders);
  }

  private void addOrder(String table, List<Query.Order> orders, String field, boolean descending) {
    if (known(table, field)) {
      orders.add(new Query.Order(field, descending));
    }
  }

  /** One term, or null when it is dropped (unknown field or operator). */
  private Condition term(String table, String term) {
    int i = 0;
    while (i < term.length() && isFieldChar(term.charAt(i))) {
      i++;
    }
    String field = term.substring(0, i);
    String rest = term.substring(i);
    if (field.isEmpty() || !known(table, field)) {
      return null;
    }
    for (Condition.Operator op : Condition.Operator.values()) {
      if (rest.startsWith(op.token)) {
        String value = rest.substring(op.token.length());
        if (!op.takesValue() && !value.isEmpty()) {
          return null;
        }
        return new Condition.Term(field, op, value);
      }
    }
    return null;
  }

  /** Field names are lower case on the platform, operators upper case; that is what separates them. */
  private static boolean isFieldChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  }

  private boolean known(String table, String field) {
    int dot = field.indexOf('.');
    if (dot < 0) {
      return fields.exists(table, field);
    }
    String head = field.substring(0, dot);
    String tail = field.substring(dot + 1);
    String target = fields.referenceTarget(table, head);
    return target != null && tail.indexOf('.') < 0 && fields.exists(target, tail);
  }
}
