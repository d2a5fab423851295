package io.kernelwise.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.system.KernelwiseProperties;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/** The shipped configuration lets a predict batch hold as many files as the service allows. */
class PartLimitsTest {

  @Test
  void tomcatAcceptsMorePartsThanTheFilesAPredictRequestMayHold() throws IOException {
    StandardEnvironment env = new StandardEnvironment();
    new YamlPropertySourceLoader()
        .load("application", new ClassPathResource("application.yml"))
        .forEach(env.getPropertySources()::addLast);
    Binder binder = new Binder(ConfigurationPropertySources.get(env));
    int maxFiles =
        binder
            .bindOrCreate("kernelwise", KernelwiseProperties.class)
            .inference()
            .maxFilesPerRequest();
    // Tomcat's own default is 50: with 64 files allowed, 51..64 were refused as too large
    int maxParts = binder.bind("server.tomcat.max-part-count", Integer.class).orElse(50);
    assertThat(maxParts).isGreaterThan(maxFiles);
  }
}
