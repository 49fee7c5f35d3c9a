package io.cloneguard.sim;

import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: a fresh simulator per test (or one per class with {@link #perClass()}).
 * <pre>
 * &#64;RegisterExtension static SimulatorExtension sim = SimulatorExtension.instances("prod", "dev");
 * ... sim.instance("dev").url() ...
 * </pre>
 * When registered on a static field it starts per test unless {@link #perClass()} was called.
 */
public final class SimulatorExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private final String[] names;
  private final boolean perClass;
  private final Consumer<Simulator.Builder> configure;
  private final Consumer<Simulator> setup;
  private Simulator simulator;

  private SimulatorExtension(String[] names, boolean perClass, Consumer<Simulator.Builder> configure, Consumer<Simulator> setup) {
    this.names = names;
    this.perClass = perClass;
    this.configure = configure;
    this.setup = setup;
  }

  public static SimulatorExtension instances(String... names) {
    return new SimulatorExtension(names, false, b -> { }, s -> { });
  }

  /** One simulator for all tests of the class (state carries over between tests). */
  public SimulatorExtension perClass() {
    return new SimulatorExtension(names, true, configure, setup);
  }

  /** Adjusts the builder (clock, MID ticker period, ports) before each start. */
  public SimulatorExtension configure(Consumer<Simulator.Builder> c) {
    return new SimulatorExtension(names, perClass, c, setup);
  }

  /** Runs after each start, e.g. to seed. */
  public SimulatorExtension setup(Consumer<Simulator> s) {
    return new SimulatorExtension(names, perClass, configure, s);
  }

  public Simulator simulator() {
    if (simulator == null) {
      throw new IllegalStateException("the simulator is not running (used outside a test?)");
    }
    return simulator;
  }

  public SimInstance instance(String name) {
    return simulator().instance(name);
  }

  private void startNow() {
    Simulator.Builder b = Simulator.builder().instances(names);
    configure.accept(b);
    simulator = b.start();
    setup.accept(simulator);
  }

  private void stopNow() {
    if (simulator != null) {
      simulator.close();
      simulator = null;
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (perClass) {
      startNow();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (perClass) {
      stopNow();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) {
      startNow();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      stopNow();
    }
  }
}
