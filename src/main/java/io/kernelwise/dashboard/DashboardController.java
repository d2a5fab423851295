package io.kernelwise.dashboard;

import io.kernelwise.system.KernelwiseProperties;
import io.kernelwise.training.Hyperparameters;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.ObjectMapper;

/** What the dashboard's forms start from, so that it shows the service's defaults, not its own. */
@RestController
@RequestMapping("/api/v1/dashboard")
@Tag(name = "Dashboard", description = "What the browser dashboard at / reads besides the API")
class DashboardController {
  private final Hyperparameters defaults;
  private final String device;

  DashboardController(ObjectMapper json, KernelwiseProperties properties) {
    // Read from {} rather than constructed, so that hyperparameters added later show up here too.
    this.defaults = json.readValue("{}", Hyperparameters.class).withDefaults();
    this.device = properties.training().defaultDevice();
  }

  /** The defaults a job gets for whatever its request leaves out. */
  record JobDefaults(Hyperparameters hyperparameters, String device) {}

  @GetMapping("/job-defaults")
  @Operation(
      operationId = "getJobDefaults",
      summary = "The hyperparameters and device a job gets when its request leaves them out",
      description =
          "device is kernelwise.training.default-device; earlyStopping is left out: off unless"
              + " asked for.")
  JobDefaults jobDefaults() {
    return new JobDefaults(defaults, device);
  }
}
