package io.cloneguard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.EffectiveConfig;
import io.cloneguard.config.SecretMask;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "check-config",
    mixinStandardHelpOptions = true,
    description = {
      "Validates the configuration and prints it with secrets masked.",
      "Prints the effective configuration (defaults filled in) with every secret as ***.",
      "Every problem goes to stderr, one line each: file:line: key.path: what is wrong.",
      "Exit code 0 when the configuration is valid, 2 when it is not."
    })
final class CheckConfigCommand implements Callable<Integer> {
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .build();

  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Option(names = "--output", paramLabel = "text|json", description = "Print as YAML (text, the default) or JSON.")
  OutputFormat output = OutputFormat.text;

  @Override
  public Integer call() {
    CloneGuardConfig config = main.loadConfig();
    Map<String, Object> effective = EffectiveConfig.of(config);
    PrintWriter out = spec.commandLine().getOut();
    String rendered;
    try {
      rendered = output == OutputFormat.json ? Json.MAPPER.writeValueAsString(effective) : YAML.writeValueAsString(effective);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    // Belt and braces: a secret that reached a plain field (e.g. a URL from ${env:...}) is masked too.
    out.println(SecretMask.mask(rendered).stripTrailing());
    out.flush();
    int n = config.instances().size();
    spec.commandLine().getErr().println("cloneguard: " + config.file() + " is valid (" + n + (n == 1 ? " instance)" : " instances)"));
    spec.commandLine().getErr().flush();
    return Main.OK;
  }
}
