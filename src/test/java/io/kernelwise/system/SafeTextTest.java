package io.kernelwise.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SafeTextTest {
  @Test
  void classNamesFeaturesAndMachinePathsAreRemoved() {
    Path data = Path.of("/srv/kernelwise-data");
    String text =
        "Cannot coerce `java.lang.Integer` (from `StreamReadConstraints.getMaxNestingDepth()`):"
            + " tools.jackson.databind.exc.InvalidFormatException at /srv/kernelwise-data/builtin/x;"
            + " enable JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS";
    String safe = SafeText.scrub(text, SafeText.machinePaths(data));
    assertThat(SafeText.namesCode(safe)).as(safe).isFalse();
    assertThat(safe).contains("<data-dir>/builtin/x").doesNotContain("/srv/");
  }

  @Test
  void apiWordsStay() {
    String text = "hyperparameters.batchSize: must be an integer (kernelwise.limits.max-spec-size)";
    assertThat(SafeText.scrub(text)).isEqualTo(text);
    assertThat(SafeText.scrub("must be an event stream path such as /api/v1/jobs/{id}/events"))
        .isEqualTo("must be an event stream path such as /api/v1/jobs/{id}/events");
  }
}
