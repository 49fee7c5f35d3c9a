package io.cloneguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTableTest {
  @Test
  void alignsColumnsAndRightAlignsNumbers() {
    String text = new TextTable("table", "gaps").row("sys_user", "10").row("sys_user_grmember", "7").render();

    assertThat(text).isEqualTo(
        "  table              gaps\n"
            + "  -----------------  ----\n"
            + "  sys_user             10\n"
            + "  sys_user_grmember     7\n");
  }
}
