package io.cloneguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SimulatorExtensionTest {
  @RegisterExtension
  static SimulatorExtension shared = SimulatorExtension.instances("prod", "dev").perClass()
      .setup(s -> s.instance("dev").seed(Seed.midUsers(2)));

  @Test
  @Order(1)
  void setupRunsAfterStartAndStateIsShared() {
    assertThat(shared.instance("dev").rows("sys_user", "roles=mid_server")).hasSize(2);
    shared.instance("dev").addUser("carried.over", "pw");
  }

  @Test
  @Order(2)
  void perClassKeepsTheSameSimulatorBetweenTests() {
    assertThat(shared.instance("dev").rows("sys_user", "user_name=carried.over")).hasSize(1);
    assertThat(Api.admin(shared.instance("prod")).get("/api/now/table/sys_user?sysparm_limit=1").status()).isEqualTo(200);
  }
}
