package io.cloneguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretMaskTest {
  @Test
  void secretContainingAnotherIsMaskedWhole() {
    Secret.of("mask-inner");
    Secret.of("outer-mask-inner-tail");

    assertThat(SecretMask.mask("a outer-mask-inner-tail b mask-inner c")).isEqualTo("a *** b *** c");
  }

  @Test
  void veryShortValuesAreNotMaskedSoLinesStayReadable() {
    Secret.of("abc");

    assertThat(SecretMask.mask("abc def")).isEqualTo("abc def");
    assertThat(Secret.of("abc")).hasToString("***");
  }

  @Test
  void secretNeverPrintsItself() {
    Secret s = Secret.of("never-printed-1");

    assertThat(s).hasToString("***");
    assertThat(String.valueOf(s)).isEqualTo("***");
    assertThat(s).isEqualTo(Secret.of("never-printed-1")).isNotEqualTo(Secret.of("never-printed-2"));
  }
}
