package io.cloneguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The product alone (no e2e module on the class path), as an installed CloneGuard is. */
class DemoCommandTest {
  @Test
  void demoOutsideACheckoutSaysWhereItShipsAndExits2() {
    CliRun r = CliRun.run("demo");

    assertThat(r.exitCode()).isEqualTo(Main.USAGE);
    assertThat(r.err().lines().toList()).containsExactly("cloneguard: the demo ships with the source checkout: run ./cloneguard demo from it");
  }

  @Test
  void benchOutsideACheckoutSaysWhereItShipsAndExits2() {
    CliRun r = CliRun.run("bench");

    assertThat(r.exitCode()).isEqualTo(Main.USAGE);
    assertThat(r.err().lines().toList()).containsExactly("cloneguard: the benchmarks ship with the source checkout: run ./cloneguard bench from it");
  }

  @Test
  void aCheckoutEntryPointMustBeAPublicStaticIntMethod() {
    assertThat(DemoCommand.checkoutEntryPoint("io.cloneguard.e2e.Demo", "run", boolean.class, java.io.PrintStream.class)).isNull();
    assertThat(DemoCommand.checkoutEntryPoint("java.lang.Integer", "parseInt", String.class)).isNotNull();
    assertThat(DemoCommand.checkoutEntryPoint("java.lang.Integer", "toString", int.class)).as("returns String, not int").isNull();
  }
}
