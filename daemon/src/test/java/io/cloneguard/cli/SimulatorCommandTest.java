package io.cloneguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SimulatorCommandTest {
  @Test
  void withoutTheSimulatorOnTheClasspathItSaysWhereItShipsAndExits2() {
    SimulatorCommand command = new SimulatorCommand();
    command.entry = "io.cloneguard.sim.NotShippedHere";
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(command);
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute("--instances", "prod,dev", "--seed-mid-users", "2");
    assertThat(code).isEqualTo(Main.USAGE);
    assertThat(err.toString().strip()).isEqualTo(SimulatorCommand.MISSING);
  }

  @Test
  void negativeSeedIsAUsageError() {
    CliRun r = CliRun.run("simulator", "--seed-mid-users", "-1");
    assertThat(r.exitCode()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("--seed-mid-users");
  }

  @Test
  void helpListsTheOptions() {
    CliRun r = CliRun.run("simulator", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("--instances").contains("--seed-mid-users").contains("--port");
  }
}
