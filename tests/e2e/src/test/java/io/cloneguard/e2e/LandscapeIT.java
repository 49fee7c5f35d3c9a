package io.cloneguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloneguard.sim.CloneHandle;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The premise every scenario and the demo build on, checked without CloneGuard: the clone really does the damage. */
class LandscapeIT {
  @Test
  @DisplayName("Without CloneGuard, a clone requested through prod's Table API takes dev's MID Servers down and loses dev's own group")
  void cloneWithIncompletePreserversTakesMidServersDown() {
    try (Landscape l = Landscape.start(Landscape.Options.standard().preservers("sys_user_has_role").lastGroupMissingOnProd(true))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> l.devMidServersUp() == 3);
      String lostGroup = l.groupsMissingOnProd().get(0);
      assertThat(l.dev().count("sys_user_group", "name=" + lostGroup)).isEqualTo(1);

      String request = l.requestCloneThroughTableApi();
      CloneHandle clone = l.simulator().clones().stream().filter(c -> request.equals(c.requestSysId())).findFirst().orElseThrow();
      clone.awaitState("Completed", Duration.ofSeconds(20));

      await().atMost(Duration.ofSeconds(5)).until(() -> l.devMidServersUp() == 0);
      assertThat(l.devSeed().midUserIds()).allSatisfy(id -> assertThat(l.dev().row("sys_user", id)).isEmpty());
      assertThat(l.dev().count("sys_user_group", "name=" + lostGroup)).isZero();
      assertThat(l.dev().passwordMatches(Landscape.SERVICE_ACCOUNT, l.serviceAccountPassword()))
          .as("CloneGuard's own account survives the clone because it exists on prod").isTrue();
    }
  }

  @Test
  @DisplayName("Without CloneGuard, a clone with all three MID preservers keeps dev's MID Servers Up")
  void cloneWithCompletePreserversKeepsMidServersUp() {
    try (Landscape l = Landscape.start(Landscape.Options.standard())) {
      await().atMost(Duration.ofSeconds(5)).until(() -> l.devMidServersUp() == 3);
      l.simulator().clone("prod", "dev", io.cloneguard.sim.CloneOptions.defaults().phaseDuration(Duration.ofMillis(200)))
          .awaitState("Completed", Duration.ofSeconds(10));
      l.dev().tickMidServers();

      assertThat(l.devMidServersUp()).isEqualTo(3);
      assertThat(l.devSeed().midUserIds()).allSatisfy(id -> assertThat(l.dev().row("sys_user", id)).isPresent());
    }
  }
}
