package io.cloneguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The example file and docs/configuration.md keep up with the keys the loader knows. */
class ExampleAndDocsTest {
  private static Set<String> keyPaths(JsonNode node, String path, Set<String> into) {
    if (node.isObject()) {
      node.fieldNames().forEachRemaining(name -> keyPaths(node.get(name), path.isEmpty() ? name : path + "." + name, into));
    } else if (node.isArray() && node.size() > 0 && node.get(0).isObject()) {
      node.forEach(item -> keyPaths(item, path + "[]", into));
    } else {
      into.add(path);
    }
    return into;
  }

  @Test
  void exampleFileShowsEveryKeyTheConfigurationHas() throws Exception {
    Path example = ConfigLoaderTest.exampleFile();
    CloneGuardConfig config = ConfigLoader.read(example, Map.<String, String>of()::get).config();
    Set<String> effective = keyPaths(new ObjectMapper().valueToTree(EffectiveConfig.of(config)), "", new TreeSet<>());
    Set<String> written = keyPaths(new YAMLMapper().readTree(example.toFile()), "", new TreeSet<>());

    assertThat(written).containsExactlyInAnyOrderElementsOf(effective);
    // The jdbc-only keys are commented out in the example; they must still be there.
    assertThat(Files.readString(example)).contains("# url: jdbc:", "# user:", "# password:");
  }

  @Test
  void configurationDocDescribesEveryKey() throws Exception {
    Path doc = ConfigLoaderTest.exampleFile().getParent().getParent().resolve("docs/configuration.md");
    String text = Files.readString(doc);
    CloneGuardConfig config = ConfigLoader.read(ConfigLoaderTest.exampleFile(), Map.<String, String>of()::get).config();
    Set<String> keys = keyPaths(new ObjectMapper().valueToTree(EffectiveConfig.of(config)), "", new TreeSet<>());

    for (String path : keys) {
      String leaf = path.substring(path.lastIndexOf('.') + 1);
      assertThat(text).as("docs/configuration.md mentions " + path).containsPattern("`(\\w+\\.)*" + leaf + "`");
    }
  }
}
