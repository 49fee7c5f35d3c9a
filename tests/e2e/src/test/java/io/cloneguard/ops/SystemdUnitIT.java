package io.cloneguard.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** systemd/cloneguard.service: the settings the operations guide promises, systemd-analyze verify and security. */
class SystemdUnitIT {
  private static final Path UNIT = OpsEnv.root().resolve("systemd/cloneguard.service");
  private static final String EXEC = "/opt/cloneguard/bin/cloneguard";
  private static final double EXPOSURE_GOAL = 2.5;

  @Test
  void runsTheDaemonAsADedicatedUserWithStateConfigurationAndCredentials() {
    Map<String, List<String>> service = section("Service");
    assertThat(service.get("ExecStart"))
        .containsExactly(EXEC + " --log-format json daemon --config /etc/cloneguard/cloneguard.yaml");
    assertThat(service.get("User")).containsExactly("cloneguard");
    assertThat(service.get("DynamicUser")).containsExactly("no");
    assertThat(service.get("StateDirectory")).containsExactly("cloneguard");
    assertThat(service.get("ConfigurationDirectory")).containsExactly("cloneguard");
    assertThat(service.get("LoadCredential")).containsExactly("cloneguard:/etc/cloneguard/credentials");
    assertThat(service.get("Restart")).containsExactly("on-failure");
    assertThat(service.get("RestartSec")).hasSize(1);
    assertThat(section("Unit")).containsKeys("StartLimitIntervalSec", "StartLimitBurst");
    assertThat(section("Install").get("WantedBy")).containsExactly("multi-user.target");
  }

  @Test
  void isHardenedButLeavesTheJitAlone() {
    Map<String, List<String>> service = section("Service");
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("ProtectSystem", "strict");
    expected.put("ProtectHome", "yes");
    expected.put("PrivateTmp", "yes");
    expected.put("PrivateDevices", "yes");
    expected.put("NoNewPrivileges", "yes");
    expected.put("CapabilityBoundingSet", "");
    expected.put("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6");
    expected.put("SystemCallArchitectures", "native");
    expected.put("ProtectKernelTunables", "yes");
    expected.put("ProtectKernelModules", "yes");
    expected.put("ProtectKernelLogs", "yes");
    expected.put("ProtectControlGroups", "yes");
    expected.put("ProtectClock", "yes");
    expected.put("ProtectHostname", "yes");
    expected.put("RestrictNamespaces", "yes");
    expected.put("LockPersonality", "yes");
    expected.put("RestrictRealtime", "yes");
    expected.put("RestrictSUIDSGID", "yes");
    expected.put("UMask", "0077");
    expected.forEach((key, value) -> assertThat(service.get(key)).as(key).containsExactly(value));
    assertThat(service.get("SystemCallFilter")).contains("@system-service");
    assertThat(service).as("MemoryDenyWriteExecute breaks the JVM's JIT").doesNotContainKey("MemoryDenyWriteExecute");
  }

  /**
   * systemd-analyze verify insists that ExecStart's binary exists; on a build host /opt/cloneguard does not,
   * so we verify a copy whose ExecStart points at a stand-in executable and change nothing else.
   */
  @Test
  void systemdAnalyzeVerifiesTheUnit(@TempDir Path tmp) throws IOException {
    Path analyze = OpsEnv.optionalTool("systemd-analyze", "the unit");
    Path unit = copyWithStandInExecutable(tmp);
    OpsEnv.Result result = OpsEnv.run(tmp, List.of(analyze.toString(), "verify", unit.toString()));
    System.out.println("systemd-analyze verify (ExecStart -> " + tmp.resolve("bin/cloneguard") + "): exit "
        + result.exitCode() + "\n" + result.output());
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).as("warnings about our unit").doesNotContain("cloneguard.service");
  }

  @Test
  void securityExposureIsWithinTheGoal(@TempDir Path tmp) throws IOException {
    Path analyze = OpsEnv.optionalTool("systemd-analyze", "the security exposure");
    Path unit = copyWithStandInExecutable(tmp);
    OpsEnv.Result result = OpsEnv.run(tmp, List.of(analyze.toString(), "security", "--offline=true", unit.toString()));
    Matcher m = Pattern.compile("Overall exposure level for cloneguard\\.service: ([0-9.]+)").matcher(result.output());
    assumeTrue(m.find(), "systemd-analyze security --offline=true gave no exposure figure on this host:\n" + result.output());
    double exposure = Double.parseDouble(m.group(1));
    System.out.println("systemd-analyze security --offline=true cloneguard.service: exposure " + exposure
        + " (goal <= " + EXPOSURE_GOAL + ")");
    assertThat(exposure).as(result.output()).isLessThanOrEqualTo(EXPOSURE_GOAL);
  }

  private static Path copyWithStandInExecutable(Path tmp) throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path standIn = bin.resolve("cloneguard");
    Files.writeString(standIn, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(standIn, PosixFilePermissions.fromString("rwxr-xr-x"));
    String text = OpsEnv.read(UNIT);
    assertThat(text).contains("ExecStart=" + EXEC + " ");
    Path copy = tmp.resolve("cloneguard.service");
    Files.writeString(copy, text.replace("ExecStart=" + EXEC + " ", "ExecStart=" + standIn + " "));
    return copy;
  }

  /** Key to values (in order) of one [Section]; comments and blank lines skipped. */
  private static Map<String, List<String>> section(String name) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    String current = null;
    for (String raw : OpsEnv.read(UNIT).split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        current = line.substring(1, line.length() - 1);
      } else if (name.equals(current)) {
        int eq = line.indexOf('=');
        values.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
      }
    }
    assertThat(values).as("[" + name + "] in " + UNIT).isNotEmpty();
    return values;
  }
}
