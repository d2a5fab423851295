package io.kernelwise.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.kernelwise.system.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The DSL's JSON Schema ({@code architecture/spec-schema.json}, also served in /v3/api-docs) and
 * the service's parser agree: every preset is valid for both, and so are random valid specs; random
 * mutations of them (a required field dropped, an unknown field, a value out of range or of the
 * wrong type, an unknown layer type, an optional field dropped) are valid for both or for neither.
 * Explicit nulls are left out: the parser reads them as absent, the schema (draft 04, without
 * OpenAPI's nullable) does not take them.
 */
class ArchitectureSchemaTest {
  private static final JsonMapper JSON = JsonMapper.shared();
  private static final Schema SCHEMA =
      SchemaRegistry.withDefaultDialect(Dialects.getDraft4())
          .getSchema(SchemaLocation.of("classpath:architecture/spec-schema.json"));
  private final SpecParser parser = new SpecParser(8);

  @Test
  void everyPresetIsValid() throws IOException, URISyntaxException {
    Path dir = Path.of(getClass().getResource("/architecture/presets").toURI());
    List<Path> presets;
    try (Stream<Path> files = Files.list(dir)) {
      presets =
          files
              .map(Path::toString)
              .filter(f -> f.endsWith(".json") && !f.endsWith(".recipe.json")) // hyperparameters
              .sorted()
              .map(Path::of)
              .toList();
    }
    assertThat(presets).hasSizeGreaterThanOrEqualTo(7);
    for (Path preset : presets) {
      JsonNode spec;
      try (InputStream in = Files.newInputStream(preset)) {
        spec = JSON.readTree(in);
      }
      assertThat(SCHEMA.validate(spec)).as("%s", preset.getFileName()).isEmpty();
      assertThat(parses(spec)).as("%s", preset.getFileName()).isTrue();
    }
  }

  @Test
  void schemaAndParserAgreeOnRandomSpecs() {
    Random random = new Random(12);
    List<String> disagreements = new ArrayList<>();
    int valid = 0;
    int invalid = 0;
    for (ArchitectureSpec spec : RandomSpecs.generate(7, 150)) {
      ObjectNode json = SpecWriter.write(spec);
      List<ObjectNode> cases = new ArrayList<>(List.of(json));
      for (int i = 0; i < 3; i++) {
        ObjectNode copy = json.deepCopy();
        SpecMutations.mutate(copy, random);
        cases.add(copy);
      }
      for (ObjectNode c : cases) {
        boolean schema = SCHEMA.validate(c).isEmpty();
        boolean parsed = parses(c);
        if (schema != parsed) {
          disagreements.add(
              "schema "
                  + (schema ? "accepts" : "refuses " + SCHEMA.validate(c))
                  + ", parser "
                  + (parsed ? "accepts" : "refuses")
                  + ": "
                  + c);
        }
        if (parsed) {
          valid++;
        } else {
          invalid++;
        }
      }
    }
    assertThat(disagreements).isEmpty();
    // both kinds are well represented, or the test proves little
    assertThat(valid).isGreaterThan(150);
    assertThat(invalid).isGreaterThan(300);
  }

  @Test
  void schemaIsTheOneTheDocumentServes() {
    JsonNode served =
        JSON.readTree(getClass().getResourceAsStream("/architecture/spec-schema.json"));
    assertThat(served.at("/definitions/SpecLayer/discriminator/propertyName").asString())
        .isEqualTo("type");
    List<String> types = new ArrayList<>();
    served.at("/definitions/SpecLayer/discriminator/mapping").propertyNames().forEach(types::add);
    assertThat(types).containsExactlyInAnyOrderElementsOf(SpecParser.layerTypes());
    assertThat(served.at("/definitions/SpecLayer/oneOf")).hasSize(SpecParser.layerTypes().size());
  }

  private boolean parses(JsonNode spec) {
    try {
      parser.parse(spec, "");
      return true;
    } catch (ApiException e) {
      return false;
    }
  }

  /** Random edits of a spec's JSON, some leaving it valid, most not. */
  static final class SpecMutations {
    private SpecMutations() {}

    static void mutate(ObjectNode spec, Random random) {
      List<ObjectNode> layers = new ArrayList<>();
      collect((ArrayNode) spec.get("layers"), layers);
      switch (random.nextInt(6)) {
        case 0 -> top(spec, random);
        default -> {
          if (layers.isEmpty()) {
            top(spec, random);
          } else {
            layer(layers.get(random.nextInt(layers.size())), random);
          }
        }
      }
    }

    private static void collect(ArrayNode list, List<ObjectNode> out) {
      for (JsonNode l : list) {
        out.add((ObjectNode) l);
        if (l.has("layers")) {
          collect((ArrayNode) l.get("layers"), out);
        }
      }
    }

    private static void top(ObjectNode spec, Random random) {
      switch (random.nextInt(9)) {
        case 0 -> spec.remove("input");
        case 1 -> ((ObjectNode) spec.get("input")).remove("channels");
        case 2 -> ((ObjectNode) spec.get("input")).put("height", 0);
        case 3 -> spec.put("classes", random.nextBoolean() ? 0 : -3);
        case 4 -> spec.put("name", random.nextBoolean() ? "" : "   ");
        case 5 -> spec.remove("name"); // valid: defaults to "architecture"
        case 6 -> spec.put("optimizer", "adam");
        case 7 -> spec.put("classes", "10");
        default -> ((ObjectNode) spec.get("input")).put("depth", 3);
      }
    }

    private static void layer(ObjectNode layer, Random random) {
      List<String> fields = new ArrayList<>();
      layer.propertyNames().forEach(fields::add);
      fields.remove("type");
      String field = fields.isEmpty() ? null : fields.get(random.nextInt(fields.size()));
      switch (random.nextInt(fields.isEmpty() ? 3 : 10)) {
        case 0 -> layer.put("type", random.nextBoolean() ? "conv3d" : "Conv");
        case 1 -> layer.put("kernelSize", 3);
        case 2 -> layer.remove("type");
        case 3 -> layer.remove(field); // required fields: invalid; optional ones: valid
        case 4 -> layer.put(field, random.nextBoolean() ? 0 : -1);
        case 5 -> layer.put(field, "3");
        case 6 -> layer.put(field, 2.5);
        case 7 -> layer.set(field, JSON.createArrayNode().add(3).add(3).add(3));
        case 8 -> layer.put(field, random.nextBoolean());
        default -> layer.set(field, JSON.createArrayNode().add(2).add(3));
      }
    }
  }
}
