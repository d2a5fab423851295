package io.kernelwise.system;

import java.time.Clock;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({KernelwiseProperties.class, DeploymentProperties.class})
class SystemConfig {
  /** Injected everywhere time matters, so tests control it. */
  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  /** Fails the start before the database is touched when replicas would not share it. */
  @Bean
  static BeanFactoryPostProcessor deploymentCheck(Environment env) {
    return beanFactory -> DeploymentCheck.verify(env);
  }
}
