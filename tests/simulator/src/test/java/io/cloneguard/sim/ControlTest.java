package io.cloneguard.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ControlTest {
  @RegisterExtension
  static SimulatorExtension sims = SimulatorExtension.instances("prod", "dev").configure(b -> b.midTickerPeriod(Duration.ofMillis(30)));

  private static Api control(SimInstance i) {
    return new Api(i.url(), null);
  }

  @Test
  void seedThroughControlEndpointCreatesMidUsersAndServers() {
    SimInstance dev = sims.instance("dev");
    Api.Reply r = control(dev).post("/sim/seed?mid_users=3&mid_servers=2&ordinary_users=4", "");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("mid_users").size()).isEqualTo(3);
    assertThat(dev.rows("sys_user", "roles=mid_server")).hasSize(3);
    assertThat(dev.rows("sys_user", "roles=itil")).hasSize(4);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(control(dev).get("/sim/mid").json().get("mid_servers").get("MID-dev-1").asText()).isEqualTo("Up"));
  }

  @Test
  void faultsAndLogThroughControlEndpoints() {
    SimInstance dev = sims.instance("dev");
    assertThat(control(dev).post("/sim/faults?kind=fail&status=503&count=1&table=sys_user", "").status()).isEqualTo(200);
    Api admin = Api.admin(dev);
    assertThat(admin.get("/api/now/table/sys_user").status()).isEqualTo(503);
    assertThat(admin.get("/api/now/table/sys_user").status()).isEqualTo(200);
    Api.Reply log = control(dev).get("/sim/log");
    assertThat(log.json().get("total").asInt()).isEqualTo(2);
    assertThat(log.json().get("per_endpoint").get("GET table/sys_user").asInt()).isEqualTo(2);
    assertThat(control(dev).send("DELETE", "/sim/log", null).status()).isEqualTo(200);
    assertThat(dev.requestLog().total()).isZero();
    assertThat(control(dev).post("/sim/faults?kind=nonsense", "").status()).isEqualTo(400);
  }

  @Test
  void cloneThroughControlEndpoint() {
    SimInstance prod = sims.instance("prod");
    SimInstance dev = sims.instance("dev");
    String devUser = dev.addUser("dev.only", "pw");
    Api.Reply r = control(prod).post("/sim/clone?target=dev&phase_ms=30", "");
    assertThat(r.status()).isEqualTo(200);
    String id = r.json().get("request_sys_id").asText();
    await().atMost(Duration.ofSeconds(10)).until(() -> prod.row("clone_instance", id).orElseThrow().get("state").equals("Completed"));
    assertThat(dev.row("sys_user", devUser)).isEmpty();
    assertThat(control(prod).get("/sim/clones").json().get("clones").get(0).get("state").asText()).isEqualTo("Completed");
  }

  @Test
  void unknownControlEndpointIs404AndDescribeListsThem() {
    SimInstance dev = sims.instance("dev");
    assertThat(control(dev).get("/sim/nothing").status()).isEqualTo(404);
    Api.Reply d = control(dev).get("/sim/");
    assertThat(d.json().get("name").asText()).isEqualTo("dev");
    assertThat(d.json().get("endpoints").size()).isGreaterThan(5);
  }
}
