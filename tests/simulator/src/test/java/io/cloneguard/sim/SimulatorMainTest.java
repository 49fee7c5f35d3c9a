package io.cloneguard.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SimulatorMainTest {
  @Test
  void startsSeedsAndPrintsEachInstanceWithItsCredentials() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SimulatorMain.Options o = SimulatorMain.parse(new String[] {"--instances", "prod,dev", "--seed-mid-users", "4"});
    try (Simulator sim = SimulatorMain.start(o, new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
      String out = bytes.toString(StandardCharsets.UTF_8);
      for (SimInstance i : sim.instances()) {
        assertThat(out).contains("instance " + i.name() + " at " + i.url()).contains(i.adminPassword());
        assertThat(i.rows("sys_user", "roles=mid_server")).hasSize(4);
        assertThat(i.rows("ecc_agent")).hasSize(3);
        assertThat(new Api(i, i.adminUser(), i.adminPassword()).get("/api/now/table/sys_user?sysparm_limit=1").status()).isEqualTo(200);
      }
    }
  }

  @Test
  void badOptionsAreUsageErrorsNamingTheOption() {
    assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--seed-mid-users", "many"})).hasMessageContaining("--seed-mid-users");
    assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--frobnicate", "1"})).hasMessageContaining("--frobnicate");
    assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--port"})).hasMessageContaining("--port");
    assertThat(SimulatorMain.run(new String[] {"--instances", "BAD NAME"})).isEqualTo(2);
  }

  @Test
  void defaultsToProdAndDevOnEphemeralPorts() {
    SimulatorMain.Options o = SimulatorMain.parse(new String[0]);
    assertThat(o.instances()).containsExactly("prod", "dev");
    assertThat(o.port()).isZero();
  }
}
