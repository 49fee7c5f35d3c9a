package io.cloneguard.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering of the product. cli may use everything; below it each feature package may
 * use only the packages listed here (plus its own and anything outside io.cloneguard). A new
 * package under io.cloneguard must be added to these rules on purpose.
 */
class LayeringTest {
  private static final String ROOT = "io.cloneguard.";
  private static JavaClasses product;

  @BeforeAll
  static void importProductClasses() {
    // Only the daemon's own main classes: the simulator and e2e modules share the io.cloneguard prefix.
    product =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .withImportOption(location -> !location.contains("/io/cloneguard/sim/") && !location.contains("/io/cloneguard/e2e/"))
            .importPackages("io.cloneguard");
  }

  /** Classes in {@code pkg} may depend only on {@code allowed} packages of ours (and on anything not ours). */
  private static ArchRule mayOnlyUse(String pkg, String... allowed) {
    List<String> packages = new ArrayList<>();
    packages.add(ROOT + pkg + "..");
    for (String a : allowed) {
      packages.add(ROOT + a + "..");
    }
    return classes()
        .that().resideInAPackage(ROOT + pkg + "..")
        .should().onlyDependOnClassesThat(
            resideOutsideOfPackage("io.cloneguard..").or(resideInAnyPackage(packages.toArray(String[]::new))))
        .allowEmptyShould(true)
        .because(pkg + " may use only " + (allowed.length == 0 ? "no other package of ours" : String.join(", ", allowed)));
  }

  @Test
  void scheduleUsesOnlySnapshotRestoreServicenowConfigAndMetrics() {
    mayOnlyUse("schedule", "snapshot", "restore", "servicenow", "config", "metrics").check(product);
  }

  @Test
  void restoreUsesOnlySnapshotServicenowAndConfig() {
    mayOnlyUse("restore", "snapshot", "servicenow", "config").check(product);
  }

  @Test
  void snapshotUsesOnlyServicenowAndConfig() {
    mayOnlyUse("snapshot", "servicenow", "config").check(product);
  }

  @Test
  void servicenowUsesOnlyConfig() {
    mayOnlyUse("servicenow", "config").check(product);
  }

  @Test
  void configUsesNoOtherPackageOfOurs() {
    mayOnlyUse("config").check(product);
  }

  @Test
  void loggingUsesOnlyTheSecretMaskOfConfig() {
    mayOnlyUse("logging", "config").check(product);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.cloneguard.(*)..").should().beFreeOfCycles().check(product);
  }

  @Test
  void theRulesSeeTheProductAndNothingElse() {
    // Guards against the rules passing because nothing (or the wrong thing) was imported.
    assertThat(product.contain("io.cloneguard.cli.Main")).isTrue();
    assertThat(product.contain("io.cloneguard.config.ConfigLoader")).isTrue();
    assertThat(product.stream().map(c -> c.getPackageName()))
        .noneMatch(p -> p.startsWith("io.cloneguard.sim") || p.startsWith("io.cloneguard.e2e"));
  }

  @Test
  void aConfigClassThatReachesUpIntoCliIsCaught() {
    JavaClasses violating = new ClassFileImporter().importClasses(io.cloneguard.config.LayeringViolationFixture.class);

    assertThatThrownBy(() -> mayOnlyUse("config").check(violating))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("io.cloneguard.cli.Main");
  }
}
