package io.kernelwise.system;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A record that requests send (and responses may echo, defaults filled in): in the OpenAPI document
 * none of its components is required and every boxed one is nullable, since a request may leave any
 * of them out or null (the defaults apply). See {@link RecordSchemas}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RequestRecord {}
