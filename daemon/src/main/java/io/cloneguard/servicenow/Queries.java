package io.cloneguard.servicenow;

import java.util.ArrayList;
import java.util.List;

/** Encoded-query helpers for paging. */
final class Queries {
  private Queries() {}

  /**
   * The query with any ORDERBY of the caller's removed and {@code ORDERBYsys_id} appended: offset
   * paging is only stable under a unique total order, and the pager relies on sys_id order.
   */
  static String orderedBySysId(String query) {
    List<String> kept = new ArrayList<>();
    for (String part : query.split("\\^")) {
      if (!part.isBlank() && !part.startsWith("ORDERBY")) {
        kept.add(part);
      }
    }
    kept.add("ORDERBYsys_id");
    return String.join("^", kept);
  }

  /**
   * {@code query AND condition}. Added to every {@code ^NQ} branch, because {@code A^NQB^c}
   * means {@code A OR (B AND c)}. The trailing ORDERBY stays last.
   */
  static String and(String orderedQuery, String condition) {
    String order = "";
    String body = orderedQuery;
    int at = body.lastIndexOf("^ORDERBY");
    if (at >= 0) {
      order = body.substring(at);
      body = body.substring(0, at);
    } else if (body.startsWith("ORDERBY")) {
      order = "^" + body;
      body = "";
    }
    if (body.isEmpty()) {
      return condition + order;
    }
    List<String> branches = new ArrayList<>();
    for (String branch : body.split("\\^NQ", -1)) {
      branches.add(branch.isEmpty() ? condition : branch + "^" + condition);
    }
    return String.join("^NQ", branches) + order;
  }
}
