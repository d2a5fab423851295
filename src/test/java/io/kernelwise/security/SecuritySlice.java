package io.kernelwise.security;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.kernelwise.MigratedH2;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import javax.sql.DataSource;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.MockMvcBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The real security filter chain for {@code @WebMvcTest} slices:
 * {@code @Import(SecuritySlice.class)} and every MockMvc request carries the test admin key ({@link
 * TestKeys#ADMIN}), checked against a migrated in-memory key table like in the running service.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import({
  SecurityConfig.class,
  ApiKeys.class,
  EventTokens.class,
  AccessRules.class,
  RateLimits.class,
  AuthMetrics.class
})
public class SecuritySlice {
  private final DataSource dataSource;

  public SecuritySlice() {
    this.dataSource = MigratedH2.create("security-slice");
  }

  @Bean
  ApiKeyStore sliceKeyStore() {
    return new ApiKeyStore(JdbcClient.create(dataSource));
  }

  @Bean
  AuditStore sliceAuditStore() {
    return new AuditStore(JdbcClient.create(dataSource));
  }

  @Bean
  TransactionTemplate sliceTransactions() {
    return new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  @Bean
  MeterRegistry sliceMeterRegistry() {
    return new SimpleMeterRegistry();
  }

  @Bean
  SmartInitializingSingleton sliceAdminKey(ApiKeys keys) {
    return () -> keys.insertBootstrap("test-admin", TestKeys.ADMIN, "test admin", "config");
  }

  @Bean
  MockMvcBuilderCustomizer sliceSendsAdminKey() {
    return builder ->
        builder.defaultRequest(get("/").header(HttpHeaders.AUTHORIZATION, TestKeys.BEARER));
  }
}
