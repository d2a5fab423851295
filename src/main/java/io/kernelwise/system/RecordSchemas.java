package io.kernelwise.system;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JavaType;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.Schema;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Schemas of records say what the service really writes: a component is {@code required} unless it
 * may be left out, and {@code nullable} where the service writes null. swagger-core marks neither
 * by itself, so a generated client or a validating proxy would otherwise expect nothing.
 *
 * <p>The rules follow Jackson: in a record (or component) written with {@code
 * JsonInclude(NON_NULL)} a component marked {@code @Schema(nullable = true)} is left out when null
 * (not required, never null); in one written with the default inclusion it is always there and may
 * be null (required and nullable). Primitives are always required. {@code @Schema(requiredMode =
 * NOT_REQUIRED)} on a component and {@link RequestRecord} on a record make components optional (and
 * nullable, but for objects: those are sent or left out); {@code REQUIRED} always wins.
 */
@Component
class RecordSchemas implements ModelConverter {

  @Override
  public Schema<?> resolve(
      AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> chain) {
    if (!chain.hasNext()) {
      return null;
    }
    Schema<?> resolved = chain.next().resolve(type, context, chain);
    Class<?> raw = raw(type.getType());
    if (resolved == null || raw == null || !raw.isRecord()) {
      return resolved;
    }
    Schema<?> model = resolved;
    if (resolved.get$ref() != null) {
      String ref = resolved.get$ref();
      model = context.getDefinedModels().get(ref.substring(ref.lastIndexOf('/') + 1));
    }
    if (model != null && model.getProperties() != null) {
      describe(raw, model);
    }
    return resolved;
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static void describe(Class<?> record, Schema model) {
    boolean leftOutWhenNull = leftOutWhenNull(record.getAnnotation(JsonInclude.class));
    boolean input = record.isAnnotationPresent(RequestRecord.class);
    List<String> required = new ArrayList<>();
    for (RecordComponent c : record.getRecordComponents()) {
      JsonProperty renamed = c.getAccessor().getAnnotation(JsonProperty.class);
      String name = renamed == null || renamed.value().isEmpty() ? c.getName() : renamed.value();
      Schema<?> property = (Schema<?>) model.getProperties().get(name);
      if (property == null) {
        continue; // hidden (@JsonIgnore, @Schema(hidden = true)): nothing to describe
      }
      io.swagger.v3.oas.annotations.media.Schema ann =
          c.getAccessor().getAnnotation(io.swagger.v3.oas.annotations.media.Schema.class);
      boolean primitive = c.getType().isPrimitive();
      boolean leftOut =
          leftOutWhenNull || leftOutWhenNull(c.getAccessor().getAnnotation(JsonInclude.class));
      boolean demanded =
          ann != null
              && ann.requiredMode()
                  == io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;
      // in a request, an object is sent or left out: a nullable reference would be an allOf
      // wrapper, which validating proxies read as "never null"
      boolean nullable =
          !primitive
              && !demanded
              && ((input && property.get$ref() == null) || (ann != null && ann.nullable()));
      boolean optional =
          input
              || (ann != null
                  && ann.requiredMode()
                      == io.swagger.v3.oas.annotations.media.Schema.RequiredMode.NOT_REQUIRED)
              || (nullable && leftOut);
      if (demanded || !optional || primitive && !input) {
        required.add(name);
      }
      if (anyValues(c)) {
        property.setAdditionalProperties(true); // swagger-core says {type: object} for Object
      }
      if (nullable && !(leftOut && !input)) {
        model.getProperties().put(name, nullable(property));
      } else if (property.getNullable() != null) {
        property.setNullable(null);
      }
    }
    model.setRequired(required.isEmpty() ? null : required);
  }

  /**
   * OpenAPI 3.0 ignores siblings of $ref: a nullable reference is an allOf of one, typed (nullable
   * needs a type) as an object, which every referenced schema of a record is.
   */
  private static Schema<?> nullable(Schema<?> property) {
    if (property.get$ref() == null) {
      property.setNullable(true);
      return property;
    }
    Schema<?> wrapped = new ComposedSchema().addAllOfItem(new Schema<>().$ref(property.get$ref()));
    wrapped.setType("object");
    wrapped.setNullable(true);
    wrapped.setDescription(property.getDescription());
    return wrapped;
  }

  /** A {@code Map<String, Object>}: values of any JSON type. */
  private static boolean anyValues(RecordComponent c) {
    return c.getGenericType() instanceof ParameterizedType p
        && p.getRawType() == java.util.Map.class
        && p.getActualTypeArguments()[1] == Object.class;
  }

  private static boolean leftOutWhenNull(JsonInclude include) {
    if (include == null) {
      return false;
    }
    return switch (include.value()) {
      case NON_NULL, NON_ABSENT, NON_EMPTY, NON_DEFAULT -> true;
      default -> false;
    };
  }

  private static Class<?> raw(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
      return c;
    }
    if (type instanceof JavaType j) {
      return j.getRawClass();
    }
    return null;
  }
}
