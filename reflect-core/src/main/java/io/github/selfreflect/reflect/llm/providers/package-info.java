/**
 * The list of providers ({@link io.github.selfreflect.reflect.llm.providers.Providers}): the one
 * place that knows every provider package, kept apart so that {@code llm} itself depends on none.
 */
package io.github.selfreflect.reflect.llm.providers;
