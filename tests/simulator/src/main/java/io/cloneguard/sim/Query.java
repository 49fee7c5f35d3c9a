package io.cloneguard.sim;

import java.util.List;

/** A parsed {@code sysparm_query}: what to match and how to order the result. */
record Query(Condition condition, List<Order> orders) {
  static final Query ALL = new Query(Condition.ALL, List.of());

  record Order(String field, boolean descending) {}

  Query {
    orders = List.copyOf(orders);
  }

  boolean matchesEverything() {
    return condition instanceof Condition.And and && and.parts().isEmpty();
  }
}
