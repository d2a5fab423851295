package io.kernelwise.system;

import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(KernelwiseProperties.class)
class SystemConfig {
  /** Injected everywhere time matters, so tests control it. */
  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
