package io.kernelwise.security;

import java.util.Set;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The keys endpoints' bodies refuse unknown fields, as jobs and experiments do: Spring Boot's
 * mapper ignores them, so {@code {"name": "ci", "role": "reader", "expires":
 * "2030-01-01T00:00:00Z"}} would silently create a key that never expires. Only these request
 * records: the same mapper reads stored JSON back, where an unknown field must stay harmless.
 * {@code ProblemHandling} answers 400 naming the field.
 */
@Configuration(proxyBeanMethods = false)
class StrictKeyBodies {
  private static final Set<Class<?>> STRICT =
      Set.of(KeyViews.NewKey.class, KeyViews.EventTokenRequest.class);

  @Bean
  JsonMapperBuilderCustomizer keyBodiesRefuseUnknownFields() {
    return builder -> builder.addHandler(new RefuseUnknown());
  }

  private static final class RefuseUnknown extends DeserializationProblemHandler {
    @Override
    public boolean handleUnknownProperty(
        DeserializationContext ctxt,
        JsonParser p,
        ValueDeserializer<?> deserializer,
        Object beanOrClass,
        String propertyName) {
      Class<?> type = beanOrClass instanceof Class<?> c ? c : beanOrClass.getClass();
      if (STRICT.contains(type)) {
        throw UnrecognizedPropertyException.from(
            p, beanOrClass, propertyName, deserializer.getKnownPropertyNames());
      }
      return false; // everyone else: the mapper's own rule
    }
  }
}
