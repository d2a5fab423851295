package io.kernelwise.system;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.parameters.Parameter;
import java.math.BigDecimal;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * The paging parameters of every list, with the bounds {@link Page#offset} enforces: one place, as
 * every list validates them the same way.
 */
@Component
class PageDocs implements OpenApiCustomizer {
  @Override
  public void customise(OpenAPI openApi) {
    if (openApi.getPaths() == null) {
      return;
    }
    openApi
        .getPaths()
        .values()
        .forEach(
            item ->
                item.readOperations().stream()
                    .filter(op -> op.getParameters() != null)
                    .flatMap(op -> op.getParameters().stream())
                    .filter(p -> "query".equals(p.getIn()))
                    .forEach(PageDocs::describe));
  }

  private static void describe(Parameter p) {
    if (p.getSchema() == null || !"integer".equals(p.getSchema().getType())) {
      return;
    }
    if (p.getName().equals("page")) {
      p.getSchema().setMinimum(BigDecimal.ZERO);
      p.setDescription("0-based page number (page * size at most 2^31 - 1)");
    } else if (p.getName().equals("size")) {
      p.getSchema().setMinimum(BigDecimal.ONE);
      p.getSchema().setMaximum(BigDecimal.valueOf(Page.MAX_SIZE));
      p.setDescription("items per page, 1.." + Page.MAX_SIZE);
    }
  }
}
