package io.kernelwise.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kernelwise.system.ApiException;
import io.kernelwise.system.FieldProblem;
import io.kernelwise.system.KernelwiseProperties;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.json.JsonMapper;

/** What jobs and experiments rely on: inline specs with prefixed field names, toJson round trip. */
class ArchitectureCatalogTest {
  private final ArchitectureCatalog catalog =
      new ArchitectureService(
          null,
          Clock.systemUTC(),
          new Binder(new MapConfigurationPropertySource())
              .bindOrCreate("kernelwise", KernelwiseProperties.class));

  @Test
  void inlineSpecProblemsAreNamedUnderThePrefix() {
    String spec =
        "{\"input\":{\"channels\":3,\"height\":8,\"width\":8},\"classes\":2,"
            + "\"layers\":[{\"type\":\"conv\",\"filters\":4,\"kernel\":3,\"groups\":2}]}";
    ApiException e =
        catchThrowableOfType(
            ApiException.class,
            () -> catalog.parse(JsonMapper.shared().readTree(spec), "architecture"));
    assertThat(e.errors())
        .extracting(FieldProblem::field)
        .containsExactly("architecture.layers[0].groups");
  }

  @Test
  void toJsonIsAcceptedBackAsAnEqualSpec() {
    for (ArchitectureSpec spec : RandomSpecs.generate(11, 50)) {
      String json = catalog.toJson(spec);
      assertThat(catalog.parse(JsonMapper.shared().readTree(json), "architecture."))
          .isEqualTo(spec);
    }
  }
}
