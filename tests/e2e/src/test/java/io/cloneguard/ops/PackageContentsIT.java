package io.cloneguard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarInputStream;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tarball and the .deb that `mvn package` builds: file lists, modes, conffiles, maintainer scripts. */
class PackageContentsIT {
  private static final Path ROOT = OpsEnv.root();
  private static final String VERSION = OpsEnv.version();
  private static final Path TARBALL = ROOT.resolve("daemon/target/cloneguard-" + VERSION + ".tar.gz");
  private static final Path DEB = ROOT.resolve("daemon/target/cloneguard_" + VERSION + "_all.deb");

  private static Map<String, Archives.Entry> tar;
  private static Map<String, byte[]> debMembers;
  private static Map<String, Archives.Entry> control;
  private static Map<String, Archives.Entry> data;

  @BeforeAll
  static void readPackages() throws IOException {
    assertThat(TARBALL).as("tarball built by mvn package").exists();
    assertThat(DEB).as(".deb built by mvn package").exists();
    tar = Archives.readTarGz(TARBALL);
    debMembers = Archives.readAr(DEB);
    control = Archives.readTarGz(debMembers.get("control.tar.gz"));
    data = Archives.readTarGz(debMembers.get("data.tar.gz"));
  }

  @Test
  void tarballHasLauncherJarExampleConfigUnitRulesDashboardAndDocs() throws IOException {
    String base = "cloneguard-" + VERSION + "/";
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("bin/cloneguard", "0755");
    expected.put("bin/cloneguard-run", "0755");
    expected.put("lib/cloneguard.jar", "0644");
    expected.put("config/cloneguard.example.yaml", "0644");
    expected.put("systemd/cloneguard.service", "0644");
    expected.put("systemd/cloneguard.sysusers", "0644");
    expected.put("deploy/prometheus/cloneguard-rules.yml", "0644");
    expected.put("deploy/prometheus/cloneguard-rules.test.yml", "0644");
    expected.put("deploy/grafana/cloneguard.json", "0644");
    expected.put("docs/operations.md", "0644");
    expected.put("docs/runbook.md", "0644");
    expected.forEach((path, mode) -> {
      assertThat(tar).as("tarball contains " + base + path).containsKey(base + path);
      assertThat(tar.get(base + path).modeOctal()).as("mode of " + path).isEqualTo(mode);
    });
    assertThat(tar.keySet()).as("everything under one top directory").allMatch(n -> n.startsWith(base) || n.equals(base.substring(0, base.length() - 1)));
    assertThat(tar.keySet()).as("no build internals").noneMatch(n -> n.contains("deploy/packaging"));
    assertThat(tar.get(base + "systemd/cloneguard.service").content())
        .isEqualTo(Files.readAllBytes(ROOT.resolve("systemd/cloneguard.service")));
    assertThat(mainClass(tar.get(base + "lib/cloneguard.jar").content())).isEqualTo("io.cloneguard.cli.Main");
    assertNothingWritableByOthers(tar);
  }

  /** The launcher in the tarball really starts the packaged jar. */
  @Test
  void tarballLauncherRunsThePackagedJar(@TempDir Path tmp) throws IOException {
    String base = "cloneguard-" + VERSION + "/";
    for (String path : List.of("bin/cloneguard", "lib/cloneguard.jar")) {
      Path target = tmp.resolve(path);
      Files.createDirectories(target.getParent());
      Files.write(target, tar.get(base + path).content());
    }
    Files.setPosixFilePermissions(tmp.resolve("bin/cloneguard"), PosixFilePermissions.fromString("rwxr-xr-x"));
    OpsEnv.Result result = OpsEnv.run(tmp, List.of(tmp.resolve("bin/cloneguard").toString(), "--version"));
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains(VERSION);
  }

  @Test
  void debControlDeclaresJava17AndTheConffile() {
    assertThat(new String(debMembers.get("debian-binary"))).isEqualTo("2.0\n");
    assertThat(debMembers.keySet()).containsExactly("debian-binary", "control.tar.gz", "data.tar.gz");
    Map<String, String> fields = controlFields(control.get("control").text());
    assertThat(fields.get("Package")).isEqualTo("cloneguard");
    assertThat(fields.get("Version")).isEqualTo(VERSION);
    assertThat(fields.get("Architecture")).isEqualTo("all");
    assertThat(fields.get("Depends")).contains("default-jre-headless (>= 2:1.17) | java17-runtime-headless");
    assertThat(control.get("conffiles").text().lines().toList()).containsExactly("/etc/cloneguard/cloneguard.yaml");
    for (String script : List.of("postinst", "prerm", "postrm")) {
      assertThat(control.get(script).modeOctal()).as(script + " mode").isEqualTo("0755");
      assertThat(control.get(script).text()).as(script).startsWith("#!/bin/sh\n").contains("set -e");
    }
  }

  @Test
  void postinstCreatesANoLoginSystemUserAndNeverStartsOrEnablesTheService() {
    String postinst = control.get("postinst").text();
    assertThat(postinst).contains("adduser --system").contains("--shell /usr/sbin/nologin").contains(" cloneguard");
    List<String> systemctl = postinst.lines().map(String::strip).filter(l -> !l.startsWith("#"))
        .filter(l -> l.contains("systemctl")).toList();
    assertThat(systemctl).as("systemctl calls in postinst").isNotEmpty()
        .allMatch(l -> l.contains("daemon-reload") || l.contains("try-restart"));
    assertThat(postinst).doesNotContain("systemctl enable").doesNotContain("systemctl start");
  }

  @Test
  void debInstallsUnderOptWithTheUnitAndTheExampleConfigAsConffile() throws IOException {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("opt/cloneguard/bin/cloneguard", "0755");
    expected.put("opt/cloneguard/bin/cloneguard-run", "0755");
    expected.put("opt/cloneguard/lib/cloneguard.jar", "0644");
    expected.put("opt/cloneguard/config/cloneguard.example.yaml", "0644");
    expected.put("opt/cloneguard/deploy/prometheus/cloneguard-rules.yml", "0644");
    expected.put("opt/cloneguard/deploy/grafana/cloneguard.json", "0644");
    expected.put("opt/cloneguard/docs/runbook.md", "0644");
    expected.put("opt/cloneguard/docs/operations.md", "0644");
    expected.put("etc/cloneguard/cloneguard.yaml", "0640");
    expected.put("lib/systemd/system/cloneguard.service", "0644");
    expected.forEach((path, mode) -> {
      assertThat(data).as(".deb contains /" + path).containsKey(path);
      assertThat(data.get(path).isFile()).as(path + " is a file").isTrue();
      assertThat(data.get(path).modeOctal()).as("mode of /" + path).isEqualTo(mode);
    });
    assertThat(data.get("etc/cloneguard").modeOctal()).isEqualTo("0750");
    assertThat(data.get("usr/bin/cloneguard").type()).isEqualTo('2');
    assertThat(data.get("usr/bin/cloneguard").linkTarget()).isEqualTo("/opt/cloneguard/bin/cloneguard");
    assertThat(data.get("etc/cloneguard/cloneguard.yaml").content())
        .isEqualTo(Files.readAllBytes(ROOT.resolve("config/cloneguard.example.yaml")));
    assertThat(data.get("lib/systemd/system/cloneguard.service").content())
        .isEqualTo(Files.readAllBytes(ROOT.resolve("systemd/cloneguard.service")));
    assertThat(mainClass(data.get("opt/cloneguard/lib/cloneguard.jar").content())).isEqualTo("io.cloneguard.cli.Main");
    assertThat(data.values()).as("owned by root").allMatch(e -> e.user().equals("root") && e.group().equals("root"));
    assertThat(data.keySet()).as("every file lives in a known place")
        .allMatch(n -> n.startsWith("opt/cloneguard") || n.startsWith("etc/cloneguard") || n.startsWith("lib/systemd")
            || n.startsWith("usr/") || Set.of("opt", "etc", "lib", "usr").contains(n));
    assertNothingWritableByOthers(data);
  }

  /** Every shell script we ship parses (sh -n): the launchers and the maintainer scripts. */
  @Test
  void shippedShellScriptsParse(@TempDir Path tmp) throws IOException {
    Map<String, byte[]> scripts = new LinkedHashMap<>();
    scripts.put("bin/cloneguard", data.get("opt/cloneguard/bin/cloneguard").content());
    scripts.put("bin/cloneguard-run", data.get("opt/cloneguard/bin/cloneguard-run").content());
    for (String name : List.of("postinst", "prerm", "postrm")) {
      scripts.put(name, control.get(name).content());
    }
    for (Map.Entry<String, byte[]> script : scripts.entrySet()) {
      Path file = tmp.resolve(script.getKey().replace('/', '_'));
      Files.write(file, script.getValue());
      OpsEnv.Result result = OpsEnv.run(tmp, List.of("sh", "-n", file.toString()));
      assertThat(result.exitCode()).as(script.getKey() + ": " + result.output()).isZero();
    }
  }

  /** Where dpkg-deb exists, it must accept the package and list exactly what our reader found. */
  @Test
  void dpkgDebAgreesWithTheContents() {
    Path dpkgDeb = OpsEnv.optionalTool("dpkg-deb", "the package with Debian's own tool");
    OpsEnv.Result info = OpsEnv.run(ROOT, List.of(dpkgDeb.toString(), "--info", DEB.toString()));
    assertThat(info.exitCode()).as(info.output()).isZero();
    assertThat(info.output()).contains("Package: cloneguard").contains("conffiles");
    OpsEnv.Result contents = OpsEnv.run(ROOT, List.of(dpkgDeb.toString(), "--contents", DEB.toString()));
    assertThat(contents.exitCode()).as(contents.output()).isZero();
    Set<String> listed = contents.output().lines()
        .map(l -> l.substring(l.indexOf("./") + 2).replaceFirst(" -> .*$", "").replaceFirst("/$", ""))
        .filter(n -> !n.isEmpty())
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(listed).isEqualTo(new TreeSet<>(data.keySet()));
  }

  private static void assertNothingWritableByOthers(Map<String, Archives.Entry> entries) {
    List<String> writable = new ArrayList<>();
    entries.values().stream().filter(e -> e.type() != '2' && (e.mode() & 022) != 0).forEach(e -> writable.add(e.name()));
    assertThat(writable).as("group- or world-writable entries").isEmpty();
  }

  private static String mainClass(byte[] jar) throws IOException {
    try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
      assertThat(in.getManifest()).as("jar manifest").isNotNull();
      return in.getManifest().getMainAttributes().getValue("Main-Class");
    }
  }

  private static Map<String, String> controlFields(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (!line.startsWith(" ") && line.contains(":")) {
        fields.put(line.substring(0, line.indexOf(':')), line.substring(line.indexOf(':') + 1).strip());
      }
    }
    return fields;
  }
}
