package io.kernelwise.system;

import ai.djl.Device;
import io.kernelwise.network.Engines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Health (engine, model store) and info (engine, devices) for probes and dashboards. */
@Configuration(proxyBeanMethods = false)
class OperationsConfig {

  @Bean("engine")
  HealthIndicator engineHealth(Engines engines) {
    return () -> {
      try {
        return Health.up()
            .withDetail("engine", engines.engine().getEngineName())
            .withDetail("version", engines.engine().getVersion())
            .withDetail("gpus", engines.gpuCount())
            .build();
      } catch (RuntimeException e) {
        return Health.down(e).build();
      }
    };
  }

  @Bean("modelStore")
  HealthIndicator modelStoreHealth(
      KernelwiseProperties properties, DeploymentProperties deployment) {
    return () -> {
      Path dir = deployment.modelStore(properties.models());
      try {
        Files.createDirectories(dir);
        if (!Files.isWritable(dir)) {
          return Health.down()
              .withDetail("path", dir.toString())
              .withDetail("error", "not writable")
              .build();
        }
        return Health.up()
            .withDetail("path", dir.toAbsolutePath().toString())
            .withDetail("usableBytes", Files.getFileStore(dir).getUsableSpace())
            .build();
      } catch (IOException e) {
        return Health.down(e).withDetail("path", dir.toString()).build();
      }
    };
  }

  /** Name and version only: the env contributor, which would publish info.* variables, is off. */
  @Bean
  InfoContributor appInfo(
      @Value("${info.app.name:Kernelwise}") String name,
      @Value("${info.app.version:dev}") String version) {
    return builder -> builder.withDetail("app", Map.of("name", name, "version", version));
  }

  @Bean
  InfoContributor engineInfo(Engines engines) {
    return builder ->
        builder.withDetail(
            "engine",
            Map.of(
                "name", engines.engine().getEngineName(),
                "version", engines.engine().getVersion(),
                "djlVersion", ai.djl.engine.Engine.getDjlVersion(),
                "offline", Boolean.getBoolean("ai.djl.offline"),
                "devices", engines.devices().stream().map(Device::toString).toList()));
  }
}
