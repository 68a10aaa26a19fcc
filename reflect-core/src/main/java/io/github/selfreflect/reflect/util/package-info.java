/**
 * Small helpers of the core that the JDK lacks (a set of primitive {@code long}s shared by the id
 * assigner and the duplicate filter, an uninterruptible join). Not an API of Reflect: they carry
 * no promise beyond the core.
 */
package io.github.selfreflect.reflect.util;
