package io.kernelwise.system;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.BinarySchema;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

@Configuration(proxyBeanMethods = false)
class OpenApiConfig {
  static {
    // a streamed download is bytes, not a schema named after Spring's callback interface
    SpringDocUtils.getConfig().replaceWithSchema(StreamingResponseBody.class, new BinarySchema());
  }

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
                .license(
                    new License()
                        .name("Apache-2.0")
                        .url("https://www.apache.org/licenses/LICENSE-2.0")))
        // fixed rather than the request's host, so the document is the same on every instance
        // (and docs/openapi.json equal to it); clients set their own base URL
        .servers(
            List.of(new Server().url("http://localhost:8080").description("a local instance")));
  }
}
