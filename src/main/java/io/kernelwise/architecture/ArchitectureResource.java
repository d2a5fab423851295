package io.kernelwise.architecture;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** An architecture as the API shows it; {@code baseId} and {@code transform} only for variants. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArchitectureResource(
    String id,
    String name,
    @Schema(description = "the spec with every default explicit", ref = SpecSchemaDocs.SPEC)
        JsonNode spec,
    Analysis analysis,
    Instant createdAt,
    @Schema(description = "the architecture this variant was derived from", nullable = true)
        String baseId,
    @Schema(description = "the transform that derived it, e.g. bottleneck:4", nullable = true)
        String transform) {}
