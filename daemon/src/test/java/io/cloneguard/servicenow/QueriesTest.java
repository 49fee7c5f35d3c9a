package io.cloneguard.servicenow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueriesTest {
  @Test
  void replacesTheCallersOrderWithSysIdOrder() {
    assertThat(Queries.orderedBySysId("")).isEqualTo("ORDERBYsys_id");
    assertThat(Queries.orderedBySysId("active=true^ORDERBYDESCname^ORDERBYuser_name")).isEqualTo("active=true^ORDERBYsys_id");
    assertThat(Queries.orderedBySysId("a=1^ORb=2")).isEqualTo("a=1^ORb=2^ORDERBYsys_id");
  }

  @Test
  void addsAConditionToEveryNewQueryBranchBeforeTheOrder() {
    assertThat(Queries.and("ORDERBYsys_id", "sys_id>a")).isEqualTo("sys_id>a^ORDERBYsys_id");
    assertThat(Queries.and("a=1^ORb=2^ORDERBYsys_id", "sys_id>x")).isEqualTo("a=1^ORb=2^sys_id>x^ORDERBYsys_id");
    assertThat(Queries.and("a=1^NQb=2^ORDERBYsys_id", "sys_id>x")).isEqualTo("a=1^sys_id>x^NQb=2^sys_id>x^ORDERBYsys_id");
  }
}
