/**
 * Small helpers that more than one package of the core needs and that the JDK lacks (a set of
 * primitive {@code long}s, an uninterruptible join). Not an API of Reflect: they carry no promise
 * beyond the core.
 */
package io.github.selfreflect.reflect.util;
