package io.cloneguard.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MidServerTest {
  Simulator sim;
  SimInstance dev;

  @BeforeEach
  void start() {
    sim = Simulator.builder().instances("dev").midTickerPeriod(Duration.ofMillis(30)).start();
    dev = sim.instance("dev");
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private void awaitStatus(String mid, String status) {
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(dev.midServerStatus(mid)).isEqualTo(status));
  }

  @Test
  void midServerIsUpWhileItsUserCanLogInAndDownWhenThePasswordChanges() {
    String user = dev.addUser("mid.a", "mid-pw", "mid_server");
    dev.addMidServer("MID-A", "mid.a", "mid-pw");
    awaitStatus("MID-A", "Up");
    dev.setPassword(user, "rotated");
    awaitStatus("MID-A", "Down");
    dev.setPassword(user, "mid-pw");
    awaitStatus("MID-A", "Up");
    Map<String, String> row = dev.rows("ecc_agent", "name=MID-A").get(0);
    assertThat(row.get("validated")).isEqualTo("true");
    assertThat(row.get("last_refreshed")).isNotEmpty();
    assertThat(row.get("started")).isNotEmpty();
    assertThat(row.get("stopped")).isNotEmpty();
  }

  @Test
  void midServerGoesDownWhenTheUserLosesTheRoleOrIsDeactivatedOrDeleted() {
    String user = dev.addUser("mid.b", "pw-b", "mid_server");
    dev.addMidServer("MID-B", "mid.b", "pw-b");
    awaitStatus("MID-B", "Up");

    String grant = dev.rows("sys_user_has_role", "user=" + user + "^role.name=mid_server").get(0).get("sys_id");
    dev.remove("sys_user_has_role", grant);
    awaitStatus("MID-B", "Down");
    dev.grantRole(user, "mid_server");
    awaitStatus("MID-B", "Up");

    dev.update("sys_user", user, Map.of("active", "false"));
    awaitStatus("MID-B", "Down");
    dev.update("sys_user", user, Map.of("active", "true"));
    awaitStatus("MID-B", "Up");

    dev.remove("sys_user", user);
    awaitStatus("MID-B", "Down");
  }

  @Test
  void roleThroughAGroupIsEnough() {
    String user = dev.addUser("mid.c", "pw-c");
    dev.addMidServer("MID-C", "mid.c", "pw-c");
    dev.tickMidServers();
    assertThat(dev.midServerStatus("MID-C")).isEqualTo("Down");
    dev.addMember(user, dev.addGroup("MID Server Users", "mid_server"));
    awaitStatus("MID-C", "Up");
  }

  @Test
  void seededMidServersComeUp() {
    SeedResult r = dev.seed(Seed.midUsers(3).midServers(3));
    for (String mid : r.midServerNames()) {
      awaitStatus(mid, "Up");
    }
  }
}
