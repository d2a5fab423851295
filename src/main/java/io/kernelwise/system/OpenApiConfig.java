package io.kernelwise.system;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class OpenApiConfig {
  @Bean
  OpenAPI kernelwiseOpenApi(@Value("${info.app.version:dev}") String version) {
    return new OpenAPI()
        .info(
            new Info()
                .title("Kernelwise API")
                .version(version)
                .description(
                    "Design, train, compare and serve convolutional image classifiers. A"
                        + " convolution costs k_h*k_w*(c_in/groups)*c_out weights: define an"
                        + " architecture, see what every layer costs, derive lighter variants"
                        + " (stacked 3x3, bottlenecks, groups, separable convolutions), train them"
                        + " on DJL + PyTorch and classify images with the results. Errors are RFC"
                        + " 9457 problem+json.")
                .license(new License().name("Apache-2.0")));
  }
}
